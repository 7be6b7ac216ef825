"""Language codes as people read them: names ("ko" → "Korean") and the small code badges.

The badge is a rounded tag with the upper-case code ("KO"), tinted per language. Flag emoji
are not used: many desktops (and the CJK fonts we rely on) have no colour emoji font, and a
flag names a country, not a language (Russian is read well beyond Russia).
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette

# The languages the app is built around, in the order menus and the sidebar list them.
FOLLOWED_LANGUAGES: tuple[str, ...] = ("ko", "ru", "zh", "uk", "en")

LANGUAGE_NAMES: dict[str, str] = {
    "ko": "Korean",
    "ru": "Russian",
    "zh": "Chinese",
    "uk": "Ukrainian",
    "en": "English",
    "ja": "Japanese",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "pl": "Polish",
    "be": "Belarusian",
    "kk": "Kazakh",
    "ar": "Arabic",
    "fa": "Persian",
    "tr": "Turkish",
    "vi": "Vietnamese",
}

# Hues (0-359) for the followed languages; others get a hue derived from their code.
_HUES: dict[str, int] = {"ko": 210, "ru": 0, "zh": 35, "uk": 55, "en": 140}

UNKNOWN_LANGUAGE = "Unknown language"


def language_name(code: str | None) -> str:
    """ "ko" → "Korean"; a code we have no name for is shown as itself, upper-cased."""
    if not code:
        return UNKNOWN_LANGUAGE
    return LANGUAGE_NAMES.get(code.lower(), code.upper())


def badge_text(code: str | None) -> str:
    """The short tag shown in lists: "KO", or "??" when the language is not known."""
    return code.upper()[:3] if code else "??"


def language_order(code: str | None) -> tuple[int, str]:
    """Sort key: followed languages first in their usual order, then others, unknown last."""
    if not code:
        return (len(FOLLOWED_LANGUAGES) + 1, "")
    if code in FOLLOWED_LANGUAGES:
        return (FOLLOWED_LANGUAGES.index(code), code)
    return (len(FOLLOWED_LANGUAGES), language_name(code))


def badge_color(code: str | None) -> QColor:
    """A translucent tint for ``code``: it reads on light and dark palettes alike."""
    if not code:
        return QColor.fromHsv(0, 0, 128, 70)
    hue = _HUES.get(code.lower(), sum(ord(c) * 37 for c in code) % 360)
    return QColor.fromHsv(hue, 200, 220, 90)


def badge_font(base: QFont) -> QFont:
    """A smaller, semi-bold version of ``base`` for badges."""
    font = QFont(base)
    if base.pointSizeF() > 0:
        font.setPointSizeF(max(6.5, base.pointSizeF() * 0.78))
    else:
        font.setPixelSize(max(9, round(base.pixelSize() * 0.78)))
    font.setWeight(QFont.Weight.DemiBold)
    return font


def badge_size(base: QFont, text: str) -> QSize:
    """The size :func:`draw_badge` needs for ``text`` next to text in ``base``."""
    metrics = QFontMetrics(badge_font(base))
    return QSize(metrics.horizontalAdvance(text) + 8, metrics.height() + 2)


def draw_badge(
    painter: QPainter,
    rect: QRect,
    text: str,
    fill: QColor,
    palette: QPalette,
    *,
    selected: bool = False,
) -> None:
    """Paint a rounded tag with ``text`` centred in ``rect``, in the palette's text colour."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(fill)
    painter.drawRoundedRect(QRectF(rect), 3.5, 3.5)
    role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
    painter.setPen(palette.color(role))
    painter.setFont(badge_font(painter.font()))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()
