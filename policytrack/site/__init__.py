"""The static website, rendered from data `sitedata.site_data` computed (documents,
statuses, diffs, history): this package never reads git or the index. One module per job:

- `pages`: the context of each page kind (`DocumentPage`, `RedlinePage`, `Row`, `SiteData`)
  and where each page lives;
- `render`: the Jinja2 environment (autoescaping on: policy text is untrusted input), its
  filters, and the files of one document or comparison;
- `summary`: the pages drawn from metadata alone (home, lists, expiring, issuers, feeds),
  each with the fingerprint of what it shows; `feeds` writes the Atom and iCalendar feeds;
- `api`: the JSON API's records and the search results' facets;
- `search`: the static full-text search index, in segments;
- `build`: a build: which pages to render, the forked workers that render them, the search
  index, the summaries, the stale files;
- `files`: the output folder: atomic writes, fingerprints, the manifest of the last build,
  spliced files; `state`: what a build keeps for the next (`SiteState`).

Rebuilds touch only what depends on a change, and two builds of one archive are
byte-identical. Only this package imports jinja2.
"""
