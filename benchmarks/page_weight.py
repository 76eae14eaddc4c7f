"""Print the built site's page weights: bytes per page (HTML plus its images), shared assets, largest images.

Run after `make book` (or with `make bench`). Figures only, no pass/fail: targets belong in review, not tests.
"""

from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

SITE = Path(__file__).resolve().parents[1] / "_build" / "html"


def page_weights() -> list[tuple[str, int, int]]:
    rows = []
    for page in sorted(SITE.rglob("*.html")):
        if {"_static", "_sources", "_images"} & set(page.relative_to(SITE).parts):
            continue
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        images = {(page.parent / unquote(urlsplit(img["src"]).path)).resolve()
                  for img in soup.find_all("img", src=True) if not urlsplit(img["src"]).scheme}
        image_bytes = sum(image.stat().st_size for image in images if image.is_file())
        rows.append((page.relative_to(SITE).as_posix(), page.stat().st_size, image_bytes))
    return rows


def shared_assets_bytes(page: Path = SITE / "book" / "preface.html") -> int:
    """Bytes of the local stylesheets and scripts one page references (every page shares them)."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    links = [tag["href"] for tag in soup.find_all("link", rel="stylesheet", href=True)]
    links += [tag["src"] for tag in soup.find_all("script", src=True)]
    files = {(page.parent / unquote(urlsplit(link).path)).resolve() for link in links if not urlsplit(link).scheme}
    return sum(path.stat().st_size for path in files if path.is_file())


def main() -> None:
    if not SITE.is_dir():
        raise SystemExit("build the site first: make book")
    rows = page_weights()
    print(f"{'page':55} {'HTML kB':>9} {'images kB':>10} {'total kB':>9}")
    for name, html, images in sorted(rows, key=lambda row: -(row[1] + row[2])):
        print(f"{name:55} {html / 1024:9.0f} {images / 1024:10.0f} {(html + images) / 1024:9.0f}")
    totals = [html + images for _, html, images in rows]
    print(f"\npages: {len(rows)}; median page {sorted(totals)[len(totals) // 2] / 1024:.0f} kB; "
          f"heaviest {max(totals) / 1024:.0f} kB")
    print(f"CSS and JS a page loads (cached after the first page): {shared_assets_bytes() / 1024:.0f} kB")
    mathjax = SITE / "_static" / "mathjax" / "tex-chtml.js"
    if mathjax.is_file():
        print(f"MathJax, on pages with formulas only: {mathjax.stat().st_size / 1024:.0f} kB")
    images = sorted((SITE / "_images").glob("*"), key=lambda p: -p.stat().st_size)
    print(f"figures: {len(images)}, {sum(p.stat().st_size for p in images) / 1024:.0f} kB in all; largest:")
    for image in images[:5]:
        print(f"  {image.name[:20]}... {image.stat().st_size / 1024:6.0f} kB")


if __name__ == "__main__":
    main()
