"""nswp_publish: multilingual publications from YAML content and gettext catalogs.

The subpackages follow the pipeline, each importing only those below it (a test holds
them to it): `content` (load) -> `i18n` (extract, translate) -> `render` (HTML) -> `pdf`
-> `build` (the files of a build) -> `qa` (release checks) -> `cli` (commands).
"""
