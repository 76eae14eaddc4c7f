// A box that scrolls sideways (a wide table or chart on a phone) gets a hint above it, in the page's language.
// See valuekit/book/phone_layout.py.
(() => {
  const HINTS = {
    zh: "在框内左右滑动，查看其余部分 →",
    en: "Swipe inside the box to see the rest →",
  };
  const hint = HINTS[document.documentElement.lang.startsWith("zh") ? "zh" : "en"];
  const BOXES = ".cell_output figure, .cell_output > .output, .pst-scrollable-table-container";

  function mark() {
    for (const box of document.querySelectorAll(BOXES)) {
      const scrolls = box.scrollWidth > box.clientWidth + 1;
      const shown = box.previousElementSibling?.classList.contains("scroll-hint");
      if (scrolls && !shown) {
        const line = document.createElement("p");
        line.className = "scroll-hint";
        line.textContent = hint;
        box.before(line);
      } else if (!scrolls && shown) {
        box.previousElementSibling.remove();
      }
    }
  }

  window.addEventListener("load", mark);
  window.addEventListener("resize", mark);
})();
