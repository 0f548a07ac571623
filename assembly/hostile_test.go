package assembly_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"html"
	"io"
	"testing"

	"maeul/account"
	"maeul/server/servertest"
)

// maxGrowth is how far one hostile upload may raise the service's heap.
const maxGrowth = 50 << 20

// sixteenBitPNG writes a w×h 16-bit RGBA PNG of zeros by hand, streaming the
// rows through zlib, so the test never holds the w×h×8 bytes the decoder
// would: 8000×6000 compresses to about 400 KB.
func sixteenBitPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&out, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		out.WriteString(typ)
		out.Write(data)
		binary.Write(&out, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 16, 6 // 16 bits per sample, RGBA
	chunk("IHDR", ihdr)
	var idat bytes.Buffer
	z, _ := zlib.NewWriterLevel(&idat, zlib.BestCompression)
	row := make([]byte, 1+w*8) // filter byte 0, then zeros
	for range h {
		z.Write(row)
	}
	z.Close()
	chunk("IDAT", idat.Bytes())
	chunk("IEND", nil)
	return out.Bytes()
}

// farColumnXLSX is a small .xlsx, written by hand, whose header row is
// ordinary but whose every row also carries one cell in the sheet's last
// column (XFD), with a last row at 1048576: a reader that pads each row to
// its widest cell builds 16,384 strings a row, and one that walks the gaps
// walks a million rows.
func farColumnXLSX(t testing.TB, header, row []string, rows int) []byte {
	t.Helper()
	var sheet bytes.Buffer
	sheet.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
		`<dimension ref="A1:XFD1048576"/><sheetData>`)
	cols := "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	line := func(r int, vals []string) {
		fmt.Fprintf(&sheet, `<row r="%d">`, r)
		for i, v := range vals {
			fmt.Fprintf(&sheet, `<c r="%c%d" t="inlineStr"><is><t>%s</t></is></c>`, cols[i], r, html.EscapeString(v))
		}
		fmt.Fprintf(&sheet, `<c r="XFD%d" t="inlineStr"><is><t>x</t></is></c></row>`, r)
	}
	line(1, header)
	for r := 2; r <= rows; r++ {
		line(r, row)
	}
	sheet.WriteString(`<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>`)
	files := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
			`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
		{"xl/worksheets/sheet1.xml", sheet.String()},
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestCompression) })
	for _, f := range files {
		w, err := zw.Create(f.name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, f.body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestHostileUploads sends, through the real server, the small files that
// used to cost hundreds of megabytes (a 16-bit PNG that is almost all
// zeros; an agenda sheet padded to the last column and the last row) and
// checks each is refused with a 422 saying why, with the heap never more
// than 50 MB above where it stood.
func TestHostileUploads(t *testing.T) {
	e := servertest.Start(t)
	host := e.NewHost(t, account.RoleDong, "마포구", "성산1동")
	a := createAssembly(t, host, assemblyBody())
	g := addAgenda(t, host, a.ID, map[string]any{"title": "놀이터 그늘막", "cost": 1_000_000})

	check := func(t *testing.T, what string, size int, send func() *servertest.Response, wantMsg string) {
		t.Helper()
		var res *servertest.Response
		base, peak := servertest.PeakHeap(func() { res = send() })
		grew := int64(peak) - int64(base)
		t.Logf("%s (%d bytes): status %d, heap +%.1f MB", what, size, res.Status, float64(grew)/(1<<20))
		if res.Status != 422 || !bytes.Contains(res.Body, []byte(wantMsg)) {
			t.Errorf("%s: status %d, want 422 saying %q: %.300s", what, res.Status, wantMsg, res.Body)
		}
		if grew > maxGrowth {
			t.Errorf("%s: heap grew %.1f MB, want at most %d MB", what, float64(grew)/(1<<20), maxGrowth>>20)
		}
	}

	t.Run("16-bit PNG", func(t *testing.T) {
		png := sixteenBitPNG(t, 8000, 6000)
		path := "/api/v1/assemblies/" + a.ID + "/agendas/" + g.ID + "/photos"
		check(t, "16-bit PNG 8000×6000", len(png), func() *servertest.Response {
			return apiUpload(t, e, host.Token, path, png)
		}, "메모리")
	})
	t.Run("agenda sheet to the last column and row", func(t *testing.T) {
		header := []string{"사업명", "사업내용", "위치", "사업비 (원)"}
		row := []string{"골목길 조명", "조명 설치", "주택가 골목", "1000000"}
		x := farColumnXLSX(t, header, row, 1500)
		check(t, "agenda .xlsx", len(x), func() *servertest.Response {
			return sendFile(t, e, host.Token, "/api/v1/assemblies/"+a.ID+"/agendas/import", "agendas.xlsx", x)
		}, "행까지만")
	})
	t.Run("agenda CSV of commas", func(t *testing.T) {
		csv := append([]byte("사업명,사업내용,위치,사업비 (원)\n골목길 조명,조명 설치,주택가 골목,1000000"), bytes.Repeat([]byte{','}, 8<<20)...)
		check(t, "agenda .csv with 8 M commas", len(csv), func() *servertest.Response {
			return sendFile(t, e, host.Token, "/api/v1/assemblies/"+a.ID+"/agendas/import", "agendas.csv", csv)
		}, "한 줄이 너무")
	})
}
