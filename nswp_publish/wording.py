"""Words for people: counts with the right plural, lists with suggestions.

Kept apart and free of imports so that every command's output (and `build.py
--help`, which must not import WeasyPrint) can use it.
"""
import difflib

#: The language the tool itself speaks: its messages, the release report, the preview's index.
#: (The languages of publications are declared in locales/languages.toml.)
TOOL_LANGUAGE = 'en'


def counted(count, singular, plural=None):
    """'1 error', '2 errors', '0 errors'; `plural` for words that do not take an s."""
    return f'{count} {singular if count == 1 else plural or singular + "s"}'


def did_you_mean(word, choices):
    """' (did you mean: build, stats?)'-style text for the closest `choices`, or ''."""
    close = difflib.get_close_matches(str(word), list(choices), n=3, cutoff=0.6)
    if not close:
        # Short words typed from memory ("sum", "stat") are prefixes more often than typos.
        close = [choice for choice in choices if str(choice).startswith(str(word))][:3]
    return f'did you mean: {", ".join(close)}?' if word and close else ''
