"""`specmesh trace` and `specmesh impact`: the reports people look at, over the same model (PRODUCT §10).

    options.py      the options of both, in doit's parameter format (the commands and the tasks)
    command.py      the `specmesh trace` / `specmesh impact` command lines; run_trace / run_impact
    compute.py      the data behind each report: stored (snapshot.py) or computed
    sources.py      the tree as the reports read it (projections.py: per-file, by freshness stamp)
    build.py        the traceability matrix and each requirement's one state
    impact.py       the inverted tree (ImpactIndex) and the impact of an ID
    since.py        definitions changed since a git REF; rebuilds.py: plans and tests that redo
    junit.py        test results from JUnit files (--results)
    model.py        the report data every formatter reads
    text.py, json_report.py, markdown.py, html.py (+ page.css, page.js): one formatter each
    schema.py       the JSON Schemas of the JSON forms (generated into specmesh_tasks/schemas/)
"""
