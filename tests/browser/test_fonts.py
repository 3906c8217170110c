"""The chat page renders Burmese, Khmer, Lao and Thai with the fonts it ships
(emulator/static/fonts), not as empty boxes on a machine without them.

The bot answers a greeting in each language; the page's text of that answer must be set in the
shipped font, whose width differs from the same text in the page's fonts without it (the
system's: on a fresh machine, boxes of one width, "tofu"). A screenshot of each is kept."""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.stack(scope="module")]

GREETING = {"my": "မင်္ဂလာပါ", "km": "សួស្តី", "lo": "ສະບາຍດີ", "th": "สวัสดีครับ"}
FAMILY = {"my": "Hotline Myanmar", "km": "Hotline Khmer", "lo": "Hotline Lao", "th": "Hotline Thai"}

MEASURE = """async () => {
  await document.fonts.ready;
  const node = [...document.querySelectorAll('[data-testid=bot-message] .text')].pop();
  const text = node.textContent.split('\\n')[0];
  const family = getComputedStyle(node).fontFamily;
  const without = family.split(',').filter((f) => !f.includes('Hotline')).join(',');
  await document.fonts.load(`15px ${family}`, text);
  const width = (fam) => {
    const span = document.createElement('span');
    span.style.cssText = `position:absolute;left:0;top:0;white-space:pre;font-size:15px;font-family:${fam}`;
    span.textContent = text;
    document.body.appendChild(span);
    const w = span.getBoundingClientRect().width;
    span.remove();
    return w;
  };
  const loaded = [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family.replace(/"/g, ''));
  return {text, family, shipped: width(family), without: width(without), loaded};
}"""


@pytest.mark.parametrize("language", sorted(GREETING))
def test_each_script_renders_in_the_shipped_font(stack, page, language):
    user = stack.user(language, name=f"Fonts {language}")
    page.goto(f"{stack.emulator_url}/?user={user}")
    page.select_option("#user-select", user)
    page.fill("#message-input", GREETING[language])
    page.click("#send-button")
    page.locator("[data-testid=bot-message] .text").first.wait_for(timeout=15000)
    page.wait_for_timeout(300)
    seen = page.evaluate(MEASURE)
    page.screenshot(path=str(stack.tmp_path / f"fonts-{language}.png"), full_page=True)
    assert FAMILY[language] in seen["family"]
    assert FAMILY[language] in seen["loaded"], seen
    assert seen["shipped"] > 0
    # the same words without the shipped font: the system's glyphs or boxes, never the same width
    assert abs(seen["shipped"] - seen["without"]) > 0.05 * seen["shipped"], seen


def test_the_fonts_are_served_with_their_licence(stack):
    import requests

    for name in ("NotoSansMyanmar-Regular.ttf", "NotoSansKhmer-Regular.ttf", "NotoSansLao-Regular.ttf",
                 "NotoSansThai-Regular.ttf", "OFL.txt"):
        response = requests.get(f"{stack.emulator_url}/emulator/static/fonts/{name}", timeout=10)
        assert response.status_code == 200 and len(response.content) > 1000, name
