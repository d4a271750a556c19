"""The certificate PDF, in Chinese, with a verification QR code.

reportlab's built-in CID font ``STSong-Light`` renders Chinese without shipping a font file
(PDF viewers supply the glyphs from the Adobe-GB1 collection). The QR code is drawn with
reportlab's own barcode module: no extra dependency.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode import qr
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f}"


def render_pdf(
    *,
    serial: str,
    code: str,
    name: str,
    volunteer_number: str,
    id_masked: str,
    period_start: dt.date,
    period_end: dt.date,
    minutes: int,
    content: list[dict[str, Any]],
    issuer: str,
    issued_on: dt.date,
    verify_url: str,
) -> bytes:
    font = _font()
    buf = io.BytesIO()
    width, height = A4
    pdf = canvas.Canvas(buf, pagesize=A4, invariant=True)
    pdf.setTitle(f"志愿服务证明 {serial}")
    pdf.setAuthor(issuer)

    pdf.setFont(font, 24)
    pdf.drawCentredString(width / 2, height - 35 * mm, "志愿服务证明")
    pdf.setFont(font, 10)
    pdf.drawRightString(width - 20 * mm, height - 45 * mm, f"证明编号：{serial}")

    y = height - 60 * mm
    pdf.setFont(font, 12)
    lines = [
        f"兹证明 {name}（志愿者编号：{volunteer_number}，身份证号：{id_masked}）",
        f"于 {period_start:%Y年%m月%d日} 至 {period_end:%Y年%m月%d日} 期间",
        f"参加志愿服务，经组织方认证的服务时长累计 {_hours(minutes)} 小时。",
    ]
    for line in lines:
        pdf.drawString(20 * mm, y, line)
        y -= 8 * mm

    y -= 4 * mm
    pdf.setFont(font, 12)
    pdf.drawString(20 * mm, y, "服务内容")
    pdf.drawRightString(width - 20 * mm, y, "时长（小时）")
    y -= 2 * mm
    pdf.line(20 * mm, y, width - 20 * mm, y)
    y -= 6 * mm
    pdf.setFont(font, 11)
    for item in content:
        if y < 90 * mm:
            pdf.drawString(20 * mm, y, "……（其余服务见平台记录）")
            y -= 7 * mm
            break
        pdf.drawString(20 * mm, y, str(item["title"])[:40])
        pdf.drawRightString(width - 20 * mm, y, _hours(int(item["minutes"])))
        y -= 7 * mm
    if not content:
        pdf.drawString(20 * mm, y, "（此期间无已认证的服务记录）")

    pdf.setFont(font, 12)
    pdf.drawRightString(width - 20 * mm, 78 * mm, f"出具单位：{issuer}")
    pdf.drawRightString(width - 20 * mm, 70 * mm, f"出具日期：{issued_on:%Y年%m月%d日}")

    widget = qr.QrCodeWidget(verify_url)
    x1, y1, x2, y2 = widget.getBounds()
    size = 35 * mm
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, 20 * mm, 25 * mm)
    pdf.setFont(font, 9)
    pdf.drawString(60 * mm, 45 * mm, "扫码或访问以下地址核验本证明，验证码：")
    # ASCII in a standard font: the code and the address stay copyable from the PDF.
    pdf.setFont("Helvetica-Bold", 12)
    pdf.drawString(60 * mm, 38 * mm, code)
    pdf.setFont("Helvetica", 8)
    pdf.drawString(60 * mm, 32 * mm, verify_url)

    pdf.showPage()
    pdf.save()
    return buf.getvalue()
