"""The report as a PDF, drawn on the server by WeasyPrint (HTML + CSS → PDF, Pango for Chinese text).

The page must name a CJK font the machine has (Debian: fonts-noto-cjk); the HTML is self-contained
(inline CSS and SVG), so nothing is fetched while rendering.
"""


def pdf_bytes(html: str) -> bytes:
    from weasyprint import HTML  # imported late: it loads Pango, which the rest of the app never needs

    return HTML(string=html, base_url=None).write_pdf()
