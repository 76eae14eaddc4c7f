"""Save screenshots of the home page and notebook pages, in both editions, at desktop and phone widths.

The Chinese figures are the check that the CJK font reached matplotlib (no tofu boxes); notebook pages are
captured whole, figures included.

python -m tests.browser.screenshots OUTPUT_FOLDER   (or: make screenshots)
"""

import sys
from pathlib import Path

from .site import chromium, serve

PAGES = {"home": "book/preface.html", "notebook": "book/part3/attribution.html",
         "zh-home": "zh/preface.html", "zh-notebook": "zh/part3/attribution.html",
         "zh-company-tour": "zh/part1/company-tour.html", "zh-business-case": "zh/part4/business-case.html"}
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def main(output: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    with serve() as url, chromium() as browser:
        for width_name, viewport in VIEWPORTS.items():
            context = browser.new_context(viewport=viewport, device_scale_factor=1)
            page = context.new_page()
            for page_name, path in PAGES.items():
                page.goto(f"{url}/{path}", wait_until="networkidle")
                target = output / f"{page_name}-{width_name}.png"
                page.screenshot(path=str(target), full_page=page_name not in {"home", "zh-home"})
                print(target)
            context.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots"))
