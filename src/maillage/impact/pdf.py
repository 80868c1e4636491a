"""An impact report (`impact.report.Report`) as a PDF, drawn with reportlab (plain Python).

No browser: reportlab's page layout (platypus) for text and tables, reportlab.graphics for the
bar charts. The font is the PDF standard Helvetica with its WinAnsi encoding, which holds the
French accents, "€", "œ", "…" and the no-break space; the few signs it lacks ("≈", "≤", "−",
the narrow no-break space French numbers use) are written with ones it has (`pdf_text`), so no
glyph is ever missing. Any report (an organisation's, the network's) renders the same way.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from maillage.impact import report as description
from maillage.impact.charts import nice_ceiling

# Signs outside WinAnsi, and what stands for them.
REPLACEMENTS = {
    "\u202f": "\u00a0",  # narrow no-break space (French thousands) → no-break space
    "\u2009": " ",
    "\u2212": "-",  # minus sign
    "\u2248": "~",  # ≈
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2192": "->",
    "\u2082": "2",  # CO₂
}
INK = colors.HexColor("#1f2933")
RULE = colors.HexColor("#c9d1d9")
BAR = colors.HexColor("#2b6cb0")
SHADE = colors.HexColor("#eef2f6")
WIDTH, HEIGHT = A4
MARGIN = 18 * mm


def pdf_text(text: str) -> str:
    """The text with every character Helvetica's WinAnsi encoding holds (others replaced)."""
    for sign, stand_in in REPLACEMENTS.items():
        text = text.replace(sign, stand_in)
    return text.encode("cp1252", errors="replace").decode("cp1252")


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(pdf_text(text)), style)


def _styles() -> dict[str, ParagraphStyle]:
    sheet = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=sheet["BodyText"], fontName="Helvetica", fontSize=9.5)
    return {
        "title": ParagraphStyle("title", parent=sheet["Title"], fontName="Helvetica-Bold"),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=11, leading=15),
        # A heading never ends a page: it stays with what follows it.
        "h2": ParagraphStyle(
            "h2", parent=sheet["Heading2"], fontName="Helvetica-Bold", keepWithNext=1
        ),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5),
        "num": ParagraphStyle("num", parent=body, fontSize=8.5, leading=10.5, alignment=TA_RIGHT),
        "figure": ParagraphStyle(
            "figure", parent=body, fontName="Helvetica-Bold", fontSize=11, alignment=TA_RIGHT
        ),
    }


def _grid(rows: list[list[Any]], widths: Sequence[float], *, header: bool = True) -> Table:
    table = Table(rows, colWidths=list(widths), repeatRows=1 if header else 0)
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
    table.setStyle(TableStyle(commands))
    return table


def _headlines(report: description.Report, styles: dict[str, ParagraphStyle]) -> Table:
    usable = WIDTH - 2 * MARGIN
    rows: list[list[Any]] = [
        [
            _para(report.label("figure", "Figure"), styles["cell"]),
            _para(report.label("value", "Value"), styles["num"]),
            _para(report.label("coverage", "Coverage"), styles["cell"]),
        ]
    ]
    for item in report.headlines:
        rows.append(
            [
                _para(item.label, styles["cell"]),
                _para(item.text, styles["figure"]),
                _para(item.coverage, styles["small"]),
            ]
        )
    return _grid(rows, (usable * 0.42, usable * 0.2, usable * 0.38))


def _table(table: description.Table, styles: dict[str, ParagraphStyle]) -> list[Any]:
    usable = WIDTH - 2 * MARGIN
    first = usable * 0.34 if len(table.columns) > 2 else usable * 0.5
    rest = (usable - first) / max(1, len(table.columns) - 1)
    widths = [first] + [rest] * (len(table.columns) - 1)
    header = [
        _para(column.label, styles["num"] if column.numeric else styles["cell"])
        for column in table.columns
    ]
    rows = [header] + [
        [
            _para(cell.text, styles["num"] if column.numeric else styles["cell"])
            for column, cell in zip(table.columns, row, strict=True)
        ]
        for row in table.rows
    ]
    flow: list[Any] = [_para(table.title, styles["h2"])]
    flow.append(_grid(rows, widths) if table.rows else _para("—", styles["body"]))
    if table.note:
        flow.append(_para(table.note, styles["small"]))
    return flow


def _axis_label(decimal_separator: str) -> Any:
    def label(value: float) -> str:
        return (
            f"{value:,.0f}".replace(",", "\u00a0")
            if value >= 10
            else (f"{value:g}".replace(".", decimal_separator))
        )

    return label


def bar_drawing(chart: description.Chart, decimal_separator: str = ".") -> Drawing:
    """A bar chart as a reportlab drawing (also usable on its own, e.g. in a test)."""
    usable = WIDTH - 2 * MARGIN
    drawing = Drawing(usable, 62 * mm)
    bars = VerticalBarChart()
    bars.x, bars.y = 16 * mm, 14 * mm
    bars.width, bars.height = usable - 22 * mm, 42 * mm
    bars.data = [list(chart.values) or [0.0]]
    bars.categoryAxis.categoryNames = [pdf_text(label) for label in chart.labels] or [""]
    bars.categoryAxis.labels.fontName = "Helvetica"
    bars.categoryAxis.labels.fontSize = 7
    bars.categoryAxis.labels.angle = 30 if len(chart.labels) > 6 else 0
    bars.categoryAxis.labels.boxAnchor = "ne" if len(chart.labels) > 6 else "n"
    top = nice_ceiling(max((value for value in chart.values if value > 0), default=0.0))
    bars.valueAxis.valueMin = 0
    bars.valueAxis.valueMax = top
    bars.valueAxis.valueStep = top / 4
    bars.valueAxis.labels.fontName = "Helvetica"
    bars.valueAxis.labels.fontSize = 7
    bars.valueAxis.labelTextFormat = _axis_label(decimal_separator)
    bars.valueAxis.strokeColor = RULE
    bars.categoryAxis.strokeColor = RULE
    bars.bars[0].fillColor = BAR
    bars.bars[0].strokeColor = None
    drawing.add(bars)
    if chart.unit:
        drawing.add(
            String(
                0, 58 * mm, pdf_text(chart.unit), fontName="Helvetica", fontSize=7, fillColor=INK
            )
        )
    return drawing


def _footer(report: description.Report) -> Any:
    text = pdf_text(f"{report.subject} — {report.period}")
    page_word = pdf_text(report.label("page", "Page"))

    def draw(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(INK)
        canvas.drawString(MARGIN, 10 * mm, text)
        canvas.drawRightString(WIDTH - MARGIN, 10 * mm, f"{page_word} {document.page}")
        canvas.restoreState()

    return draw


def render_pdf(report: description.Report) -> bytes:
    """The report as the bytes of a PDF file (A4, text selectable and searchable)."""
    styles = _styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=pdf_text(report.title),
        author="Maillage",
        subject=pdf_text(f"{report.subject} — {report.period}"),
    )
    story: list[Any] = [
        _para(report.title, styles["title"]),
        _para(f"{report.subject} — {report.period}", styles["subtitle"]),
        Spacer(1, 4 * mm),
        _para(report.label("figures", "Headline figures"), styles["h2"]),
        _headlines(report, styles),
    ]
    for chart in report.charts:
        story.append(
            KeepTogether(
                [_para(chart.title, styles["h2"]), bar_drawing(chart, report.decimal_separator)]
            )
        )
    for table in report.tables:
        story.extend(_table(table, styles))
    if report.notes:
        story.append(_para(report.label("methods", "Methods, sources and limits"), styles["h2"]))
        story.extend(_para(note, styles["body"]) for note in report.notes)
    if report.factors:
        story.extend(_factors(report, styles))
    footer = _footer(report)
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _factors(report: description.Report, styles: dict[str, ParagraphStyle]) -> list[Any]:
    usable = WIDTH - 2 * MARGIN
    rows: list[list[Any]] = [
        [
            _para(report.label("factor", "Factor"), styles["cell"]),
            _para(report.label("factor_value", "Value"), styles["num"]),
            _para(report.label("version", "Version"), styles["num"]),
            _para(report.label("source", "Source"), styles["cell"]),
        ]
    ]
    for factor in report.factors:
        value = f"{factor.value:g}".replace(".", report.decimal_separator)
        rows.append(
            [
                _para(factor.key, styles["small"]),
                _para(f"{value} {factor.unit}", styles["num"]),
                _para(str(factor.version), styles["num"]),
                _para(factor.source, styles["small"]),
            ]
        )
    widths = (usable * 0.27, usable * 0.17, usable * 0.1, usable * 0.46)
    return [_para(report.label("factors", "Factors used"), styles["h2"]), _grid(rows, widths)]
