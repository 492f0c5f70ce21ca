"""Reading YAML safely, keeping the line of every value so errors can name it.

PyYAML's `safe_load` keeps the last of two duplicate keys without a word and
expands aliases without limit; content comes from many hands, so both are
refused here, as are documents larger than any real publication.
"""
import yaml

from ..errors import ContentError

#: No content file of a real publication comes near this; a larger one is a mistake.
MAX_BYTES = 2 * 1024 * 1024


class LineStr(str):
    """A string that remembers the line it was read from."""

    line = None


class LineDict(dict):
    """A mapping that remembers its own line and the line of each key."""

    line = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_lines = {}

    def line_of(self, key):
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A list that remembers the line it starts on."""

    line = None


def line_of(value, default=None):
    """The 1-based line a loaded value came from, when it knows it."""
    return getattr(value, 'line', None) or default


class _Loader(yaml.SafeLoader):
    """The pure-Python loader: it stops at an alias where it stands, and says what is
    wrong with a document in PyYAML's words (`parse_yaml` turns to it for any problem)."""

    path = None

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise ContentError(
                'YAML aliases (*name) are not allowed in content', self.path,
                event.start_mark.line + 1, hint='write the value out in full')
        return super().compose_node(parent, index)


def _construct_mapping(loader, node):
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        key_line = key_node.start_mark.line + 1
        if not isinstance(key, (str, int)):
            raise ContentError(
                f'a key must be a name, not {type(key).__name__}', loader.path, key_line)
        if key in result:
            raise ContentError(
                f'duplicate key "{key}" (first on line {result.key_lines[key]})',
                loader.path, key_line, hint='keep only one of them')
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_line
    return result


def _construct_sequence(loader, node):
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    return result


def _construct_string(loader, node):
    result = LineStr(loader.construct_scalar(node))
    result.line = node.start_mark.line + 1
    return result


# libyaml parses a chapter some fifteen times faster (about 1 ms, not 15), in every
# process that loads the content: a build's, each of its workers', the preview's.
_C_SAFE_LOADER = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
_FastLoader = (type('_FastLoader', (yaml.CSafeLoader,), {'path': None})
               if yaml.__with_libyaml__ else _Loader)

for _loader in {_Loader, _FastLoader}:
    _loader.add_constructor('tag:yaml.org,2002:map', _construct_mapping)
    _loader.add_constructor('tag:yaml.org,2002:seq', _construct_sequence)
    _loader.add_constructor('tag:yaml.org,2002:str', _construct_string)


def _has_alias(node):
    """Whether a composed document reaches any node twice: what an alias (*name) makes.
    (libyaml composes aliases without a word; each is then refused by `_Loader`.)"""
    seen = set()
    stack = [node]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return True
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack += (key, value)
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value
    return False


def load_plain(text):
    """PyYAML's `safe_load`, composed by libyaml: plain data, for a quick look at a file (the
    plan, the command line) whose full check is the content loader's."""
    return yaml.load(text, Loader=_C_SAFE_LOADER)


def parse_yaml(text, path):
    """Parse YAML text; values carry their lines (`LineStr`, `LineDict`, `LineList`)."""
    if len(text) > MAX_BYTES:
        raise ContentError(
            f'file is larger than {MAX_BYTES // 1024 // 1024} MiB', path, 1,
            hint='split it into chapter files')
    fast = _FastLoader(text)
    fast.path = path
    try:
        node = fast.get_single_node()
        if node is None or not _has_alias(node):
            return fast.construct_document(node) if node is not None else None
    except yaml.YAMLError:
        pass                        # said below, in PyYAML's words
    finally:
        fast.dispose()
    loader = _Loader(text)
    loader.path = path
    try:
        return loader.get_single_data()
    except yaml.YAMLError as error:
        problem = getattr(error, 'problem', None) or str(error)
        mark = getattr(error, 'problem_mark', None) or getattr(error, 'context_mark', None)
        if 'end of stream' in problem and getattr(error, 'context_mark', None):
            # An unclosed quote or bracket: where it opened helps, the end of file does not.
            mark = error.context_mark
            problem = f'{error.context}: {problem}'
        raise ContentError(
            f'invalid YAML: {problem}', path, mark.line + 1 if mark else 1,
            hint='check the indentation and quote strings that contain ": " or "#"',
        ) from None
    finally:
        loader.dispose()


def read_yaml(path):
    """Read and parse one YAML file (UTF-8), with the errors `parse_yaml` gives."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ContentError(f'cannot read file: {error.strerror}', path) from None
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b'\n') + 1
        raise ContentError('file is not valid UTF-8', path, line,
                           hint='save it as UTF-8') from None
    return parse_yaml(text, path)
