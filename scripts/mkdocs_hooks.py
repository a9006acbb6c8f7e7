"""MkDocs hooks for the documentation site (mkdocs.yml: hooks).

Note [one source for the docs]: the README is what a newcomer reads on the
repository page, and the site repeats parts of it. Rather than keep two copies,
a page names a README section with

    <!-- include README.md#Section title -->

and this hook puts the section's body there at build time (links into docs/
rewritten to be relative to the site). A page can also show a program's real
output with

    <!-- run tensorcore.__main__ -->

which runs the tutorial walkthrough (python -m tensorcore) against the
tensorcore being documented and inserts what it printed, so the tutorial page
cannot drift from what the package does.
"""
import io
import os
import re

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
INCLUDE = re.compile(r"<!-- include README\.md#(.+?) -->")
RUN = re.compile(r"<!-- run tensorcore\.__main__ -->")


def readme_section(title):
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        text = f.read()
    m = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    if m is None:
        # A renamed README section must fail the (strict) build, not leave a hole.
        raise ValueError(f"docs: README.md has no section '## {title}'")
    body = m.group(1).strip("\n")
    return re.sub(r"\]\(docs/", "](", body)


def tutorial_output():
    from tensorcore import __main__ as walkthrough
    buf = io.StringIO()
    walkthrough.run(out=buf)
    text = re.sub(r"0x[0-9a-f]+", "0x...", buf.getvalue())  # addresses differ per run
    return "```text\n" + text.rstrip() + "\n```"


def on_page_markdown(markdown, page, config, files):
    markdown = INCLUDE.sub(lambda m: readme_section(m.group(1)), markdown)
    if RUN.search(markdown):
        markdown = RUN.sub(lambda m: tutorial_output(), markdown)
    return markdown
