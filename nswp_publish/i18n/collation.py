"""Collation: sorting words the way each language's readers expect (ICU, through PyICU).

A French list puts "éducation" between "Ecole" and "OMS"; a Chinese list is in pinyin
order; Python's own sort, by code point, gets both wrong.
"""
import functools

import icu


@functools.lru_cache(maxsize=None)
def _collator(language):
    return icu.Collator.createInstance(icu.Locale(language))


def sort_key(language):
    """A key function sorting strings by `language`'s collation."""
    return _collator(language).getSortKey


def collated(items, language, key=str):
    """`items` sorted by `language`'s collation of `key(item)`."""
    by_language = sort_key(language)
    return sorted(items, key=lambda item: by_language(key(item)))
