"""The codes the reader reports (`parse/problems.py`), described for the catalogue and the docs.

Their findings come from `SpecDoc.problems`, `Repo.problems` and `MatrixDoc.problems`, not from a
check here; a reader code described nowhere still gets a plain entry (`catalog`). A spec the reader
had to skip (SM207–SM209) gets no other one-file rule (`evaluate.SKIPPED_PROBLEMS`).
"""

from __future__ import annotations

from specmesh_tasks.gates.catalog import declare

declare(code="SM206", name="not-utf8", severity="error",
        summary="the file is not valid UTF-8 (read with replacement characters)",
        rationale="Bytes that are not UTF-8 turn into replacement characters, so IDs near them may be "
                  "misread.",
        bad_example="(a spec saved as Latin-1 or Shift_JIS)",
        good_example="(the same spec saved as UTF-8; a BOM and CRLF line endings are fine)",
        fix="Re-save the file as UTF-8.")
declare(code="SM207", name="file-too-large", severity="error",
        summary="the file is larger than 10 MB and was skipped",
        rationale="Specs are prose; a file this large is almost always a mistake (a pasted log or "
                  "binary) and would slow every run.",
        bad_example="(a 12 MB spec.md)",
        good_example="(a spec under 10 MB; attachments live in .specify/assets/)",
        fix="Move the bulk out of the spec.")
declare(code="SM208", name="symlink-outside-root", severity="error",
        summary="the file is a symlink leading outside the project root and was skipped",
        rationale="Specs outside the root are not part of the project and may not exist on another "
                  "machine or in CI.",
        bad_example="features/x/spec.md -> /home/me/notes/spec.md",
        good_example="features/x/spec.md (a regular file, or a link inside the root)",
        fix="Copy the file into the tree or point the link inside the root.")
declare(code="SM209", name="unreadable-file", severity="error",
        summary="the file could not be read (permissions or another OS error)",
        rationale="A spec nobody can read is a spec nobody checks.",
        bad_example="(a spec.md with mode 000)",
        good_example="(a readable spec.md)",
        fix="Fix the file's permissions.")
declare(code="SM210", name="unterminated-code-fence", severity="error",
        summary="a ``` code fence is never closed, so the rest of the file reads as code",
        rationale="Everything after an open fence is invisible to the gates: IDs, markers, tables.",
        bad_example="```json\n{\"a\": 1}\n\n## 5. Functional Requirements (FR)",
        good_example="```json\n{\"a\": 1}\n```\n\n## 5. Functional Requirements (FR)",
        fix="Close the fence.")
declare(code="SM211", name="unterminated-html-comment", severity="error",
        summary="an HTML comment block (`<!--` at the start of a line) is never closed, so the rest of "
                "the file is hidden",
        rationale="Everything after an open comment block is invisible to the gates. (A `<!--` inside a "
                  "heading or paragraph line that does not close in its paragraph is text, as in "
                  "CommonMark, and hides nothing.)",
        bad_example="<!-- template notes\n\n## 4. User Stories / Use Cases",
        good_example="<!-- template notes -->\n\n## 4. User Stories / Use Cases\n\n"
                     "### UC-LOAN-002: Return a book <!-- note",
        fix="Close the comment with `-->`.")
declare(code="SM212", name="reader-error", severity="error",
        summary="the reader failed on part of the file (a bug in specmesh-tasks; please report it)",
        rationale="The file was only partly read, so other findings for it may be missing.",
        bad_example="(any file that triggers a reader bug)",
        good_example="(the same file once the bug is fixed)",
        fix="Report the file to the specmesh-tasks maintainers.")
declare(code="SM213", name="table-delimiter-mismatch", severity="warning",
        summary="a table's delimiter row has a different number of cells than its header",
        rationale="GitHub (GFM) shows no table when the counts differ: readers of the rendered spec see "
                  "a paragraph of pipes. The gates still read the table.",
        bad_example="| FR ID | Description | Related UC | Priority |\n|---|---|\n"
                    "| FR-LOAN-001 | Record a loan | UC-LOAN-001 | P1 |",
        good_example="| FR ID | Description | Related UC | Priority |\n|---|---|---|---|\n"
                     "| FR-LOAN-001 | Record a loan | UC-LOAN-001 | P1 |\n\n"
                     "FR ID | Description\n--- | ---\nFR-LOAN-002 | Renew a loan",
        fix="Give the delimiter row one `---` cell per header cell.")
declare(code="SM214", name="nul-bytes", severity="error",
        summary="the file holds NUL bytes",
        rationale="A NUL is never text: the file was damaged or is binary, and tools that stop at a NUL "
                  "(or drop it, as the plan renderer does) see something other than what was written.",
        bad_example="Status: Appr\\x00oved   (a NUL byte inside the line)",
        good_example="Status: Approved",
        fix="Remove the NUL bytes (they often come from a bad copy or a UTF-16 file saved as UTF-8).")
declare(code="SM301", name="matrix-invalid-json", severity="error",
        summary="`cross-reference.json` is not valid JSON",
        rationale="A matrix nobody can parse checks nothing; every other matrix rule is skipped.",
        bad_example='{"screens": {"SCR-001": {"name": "Book list",}}}',
        good_example='{"screens": {"SCR-001": {"name": "Book list"}}, "features": {}}',
        fix="Fix the JSON syntax at the reported line (a trailing comma, a missing quote).")
