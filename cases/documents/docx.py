"""The Word copy of a document: the same rendered HTML as the PDF, written as DOCX.

One template per form, two outputs: the HTML a template renders (cases.documents.
generate.render_html) is walked here and written with python-docx, so the DOCX says
exactly what the PDF says. The templates use a small vocabulary and this walker knows
it: headings, paragraphs, lists, tables (with rowspan, colspan and a repeated header
row), tick boxes, blanks and line breaks.

Fonts are named as Chinese courts and agencies expect: 宋体 for titles and headings,
仿宋 for the text, each listed in the font table with its Windows name (SimSun,
FangSong) as the alternative, so a machine without one substitutes a like face. A4
with the PDF's margins; page numbers in the footer ("第 X 页 共 Y 页"); a document for
internal use carries the case number in its header, one filed with a public body does
not (rules.Rule.filed).
"""

import io
import re

import lxml.html
from docx import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

TITLE_FONT = "宋体"
BODY_FONT = "仿宋"
ALT_NAMES = {"宋体": "SimSun", "仿宋": "FangSong"}
TICKED, UNTICKED = "☑", "☐"
BLANK = "＿＿＿＿＿＿"
SHORT_BLANK = "＿＿＿"
LONG_BLANK = "＿＿＿＿＿＿＿＿＿＿＿＿"
DATE_BLANK = "　　　"


def _set_font(run_or_style, name: str, size: float | None = None, bold: bool | None = None):
    font = run_or_style.font
    font.name = name
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold


def _font_table(document) -> None:
    """Name the fallbacks: <w:font w:name="宋体"><w:altName w:val="SimSun"/>…</w:font>."""
    part = next(
        rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/fontTable")
    )
    root = etree.fromstring(part.blob)
    for name, alt in ALT_NAMES.items():
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        etree.SubElement(font, qn("w:altName")).set(qn("w:val"), alt)
        etree.SubElement(font, qn("w:charset")).set(qn("w:val"), "86")  # GB2312
        family = "roman" if name == TITLE_FONT else "modern"
        etree.SubElement(font, qn("w:family")).set(qn("w:val"), family)
    # A plain Part keeps its bytes in _blob (python-docx has no XML class for this part).
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _field(paragraph, instruction: str) -> None:
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = instruction
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    shown = OxmlElement("w:t")
    shown.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, text, separate, shown, end):
        run._r.append(element)
    _set_font(run, BODY_FONT, 9)


def _page_numbers(section) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text, field in (("第 ", "PAGE"), (" 页 共 ", "NUMPAGES"), (" 页", None)):
        _set_font(paragraph.add_run(text), BODY_FONT, 9)
        if field:
            _field(paragraph, field)


def _classes(element) -> set[str]:
    return set((element.get("class") or "").split())


def _squash(text: str) -> str:
    """HTML whitespace: runs of spaces and newlines read as one space (not in pre-wrap)."""
    return re.sub(r"[ \t\r\n]+", " ", text)


class Writer:
    def __init__(self, *, header: str = ""):
        self.document = DocxDocument()
        section = self.document.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(22), Mm(24)
        section.left_margin, section.right_margin = Mm(20), Mm(20)
        normal = self.document.styles["Normal"]
        _set_font(normal, BODY_FONT, 12)
        normal.paragraph_format.space_after = Pt(3)
        _font_table(self.document)
        _page_numbers(section)
        if header:
            paragraph = section.header.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _set_font(paragraph.add_run(header), BODY_FONT, 8.5)

    # Inline content -----------------------------------------------------------------

    def inline(self, paragraph, element, *, bold=False, size=None, font=BODY_FONT, pre=False):
        """Write `element`'s text and children into `paragraph` as runs."""

        def text_run(text):
            if not text:
                return
            text = text if pre else _squash(text)
            parts = text.split("\n") if pre else [text]
            for i, part in enumerate(parts):
                if i:
                    paragraph.add_run().add_break()
                if part:
                    _set_font(paragraph.add_run(part), font, size, bold or None)

        text_run(element.text)
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            classes = _classes(child)
            if tag == "br":
                paragraph.add_run().add_break()
            elif tag == "span" and "box" in classes:
                mark = TICKED if (child.text or "").strip() == "✓" else UNTICKED
                _set_font(paragraph.add_run(mark), font, size)
            elif tag == "span" and "date-blank" in classes:
                _set_font(paragraph.add_run(DATE_BLANK), font, size)
            elif tag == "span" and "blank" in classes:
                blank = (
                    LONG_BLANK
                    if "long" in classes
                    else SHORT_BLANK
                    if "short" in classes
                    else BLANK
                )
                _set_font(paragraph.add_run(blank), font, size)
            elif tag in ("span", "strong", "b", "em", "a") or tag:
                self.inline(
                    paragraph,
                    child,
                    bold=bold or tag in ("strong", "b") or "strong" in classes,
                    size=8.5 if {"citation", "basis", "small"} & classes else size,
                    font=font,
                    pre=pre or "text" in classes,
                )
            text_run(child.tail)

    def _align(self, paragraph, classes):
        if {"right", "date"} & classes:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif {"center", "subtitle"} & classes:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if "indent" in classes:
            paragraph.paragraph_format.first_line_indent = Pt(24)

    # Blocks -------------------------------------------------------------------------

    def block(self, element, container=None):
        container = container or self.document
        tag = element.tag if isinstance(element.tag, str) else ""
        classes = _classes(element)
        if tag == "h1":
            paragraph = container.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            self.inline(paragraph, element, bold=True, size=18, font=TITLE_FONT)
        elif tag == "h2":
            paragraph = container.add_paragraph()
            paragraph.paragraph_format.keep_with_next = True
            self.inline(paragraph, element, bold=True, size=13, font=TITLE_FONT)
        elif tag == "p":
            paragraph = container.add_paragraph()
            self._align(paragraph, classes)
            size = 10.5 if "small" in classes else None
            self.inline(
                paragraph, element, bold="strong" in classes, size=size, pre="text" in classes
            )
        elif tag in ("ol", "ul"):
            for n, item in enumerate(element.findall("li"), start=1):
                paragraph = container.add_paragraph()
                paragraph.paragraph_format.left_indent = Pt(18)
                _set_font(paragraph.add_run(f"{n}. " if tag == "ol" else "• "), BODY_FONT)
                self.inline(paragraph, item)
        elif tag == "table":
            self.table(element, container)
        elif tag == "div" and "meta" in classes:
            paragraph = container.add_paragraph()
            texts = [" ".join(span.text_content().split()) for span in element]
            _set_font(paragraph.add_run("　　".join(texts)), BODY_FONT, 9)
        elif tag == "div":
            if "notice" in classes:
                paragraph = container.add_paragraph()
                self.inline(paragraph, element, size=10.5)
                return
            for child in element:
                self.block(child, container)

    def table(self, element, container):
        rows = element.xpath("./tr|./thead/tr|./tbody/tr")
        header_rows = set(element.xpath("./thead/tr"))
        if not rows:
            return
        # Lay the cells out on a grid, following rowspan and colspan.
        grid: dict[tuple[int, int], object] = {}
        placements = []
        width = 0
        for r, row in enumerate(rows):
            c = 0
            for cell in row.xpath("./th|./td"):
                while (r, c) in grid:
                    c += 1
                rowspan = int(cell.get("rowspan", 1))
                colspan = int(cell.get("colspan", 1))
                for dr in range(rowspan):
                    for dc in range(colspan):
                        grid[(r + dr, c + dc)] = cell
                placements.append((r, c, rowspan, colspan, cell))
                c += colspan
            width = max(width, c)
        table = container.add_table(rows=len(rows), cols=max(width, 1))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for r, row in enumerate(rows):
            if row in header_rows:
                tr_pr = table.rows[r]._tr.get_or_add_trPr()
                repeat = OxmlElement("w:tblHeader")
                repeat.set(qn("w:val"), "true")
                tr_pr.append(repeat)
            cant_split = OxmlElement("w:cantSplit")
            table.rows[r]._tr.get_or_add_trPr().append(cant_split)
        for r, c, rowspan, colspan, cell in placements:
            target = table.cell(r, c)
            if rowspan > 1 or colspan > 1:
                target = target.merge(table.cell(r + rowspan - 1, c + colspan - 1))
            paragraph = target.paragraphs[0]
            classes = _classes(cell)
            if cell.tag == "th":
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            self._align(paragraph, classes)
            blocks = [
                c for c in cell if isinstance(c.tag, str) and c.tag in ("p", "div", "ol", "ul")
            ]
            if blocks:
                self.inline(
                    paragraph,
                    _text_only(cell),
                    bold=cell.tag == "th" and "list" in _classes(element),
                )
                for child in blocks:
                    self.block(child, target)
                    if child.tail and child.tail.strip():
                        extra = target.add_paragraph()
                        _set_font(extra.add_run(child.tail.strip()), BODY_FONT)
            else:
                self.inline(
                    paragraph,
                    cell,
                    bold=cell.tag == "th" and "list" in _classes(element),
                    size=10.5,
                    pre="text" in classes,
                )

    def write(self, html: str) -> bytes:
        tree = lxml.html.fromstring(html)
        body = tree.find("body")
        for element in body if body is not None else tree:
            self.block(element)
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def _text_only(cell):
    """A copy of `cell` with its block children removed (their text is written apart)."""
    copy = lxml.html.fromstring(lxml.html.tostring(cell))
    for child in list(copy):
        if isinstance(child.tag, str) and child.tag in ("p", "div", "ol", "ul"):
            child.drop_tree()
    return copy


def html_to_docx(html: str, *, header: str = "") -> bytes:
    return Writer(header=header).write(html)


def docx_text(data: bytes) -> str:
    """Every paragraph and table cell of a DOCX, in document order (for tests and checks)."""
    document = DocxDocument(io.BytesIO(data))
    texts = []
    body = document.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            texts.append("".join(t.text or "" for t in child.iter(qn("w:t"))))
        elif child.tag == qn("w:tbl"):
            for tc in child.iter(qn("w:tc")):
                texts.append("".join(t.text or "" for t in tc.iter(qn("w:t"))))
    return "\n".join(texts)
