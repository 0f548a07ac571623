package assembly_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/korean"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/server/servertest"
)

type importAnswer struct {
	Created int `json:"created"`
	Errors  []struct {
		Row     int    `json:"row"`
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// sendFile posts a file as the multipart field "file" with a Bearer token.
func sendFile(t *testing.T, e *servertest.Env, token, path, name string, data []byte) *servertest.Response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	fw, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	w.Close()
	req, _ := http.NewRequest("POST", e.URL+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	c := &http.Client{Timeout: 60 * time.Second}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &servertest.Response{Status: res.StatusCode, Header: res.Header, Body: b}
}

func agendaCount(t *testing.T, e *servertest.Env, id string) int {
	t.Helper()
	var n int
	if err := e.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM agendas WHERE assembly_id = $1`, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

const goodCSV = "연번,사업명,사업내용,위치,사업비 (원),경상보조,자본보조,자치구 담당부서,서울시 담당부서,분과,제안자,실행유형,비고\n" +
	"1,주민과 상인 우리 지금 만나!,소통모임 운영,축산물시장 인근 상가,\"5,000,000\",2000000,3000000,마을과/지역경제과,지역공동체담당관,상권분과,주민,민관 협력형,상인회 협조\n" +
	"2,골목길 안심 조명,\"조명 설치\n바닥 표시\",주택가 골목,12000000원,,,안전총괄과,지역공동체담당관,안전분과,주민 모임,관주도형,\n" +
	"\n" +
	"3,어르신 반찬 나눔,반찬 나눔,동 일대,8000000,8000000,0,복지정책과,지역공동체담당관,복지분과,통장,민간 주도형,\n"

func TestImport(t *testing.T) {
	e := servertest.Start(t)
	h := e.NewHost(t, account.RoleDong, "마포구", "성산1동")

	newAsm := func(t *testing.T) (string, string) {
		a := createAssembly(t, h, assemblyBody())
		return a.ID, "/api/v1/assemblies/" + a.ID + "/agendas/import"
	}
	good := func(t *testing.T, res *servertest.Response, want int) {
		t.Helper()
		var ans importAnswer
		res.JSON(t, &ans)
		if res.Status != 201 || ans.Created != want || len(ans.Errors) != 0 || ans.Errors == nil {
			t.Fatalf("status %d: %s", res.Status, res.Body)
		}
	}

	t.Run("UTF-8 CSV after the existing agendas", func(t *testing.T) {
		id, path := newAsm(t)
		addAgenda(t, h, id, map[string]any{"title": "먼저 있던 의제", "cost": 1})
		good(t, sendFile(t, e, h.Token, path, "agendas.csv", []byte(goodCSV)), 3)
		got := getAssembly(t, h, id)
		if titles(got) != "먼저 있던 의제,주민과 상인 우리 지금 만나!,골목길 안심 조명,어르신 반찬 나눔" {
			t.Fatalf("titles %s", titles(got))
		}
		g := got.Agendas[1]
		if g.Number != 2 || g.Cost != 5_000_000 || g.CurrentSubsidy != 2_000_000 || g.CapitalSubsidy != 3_000_000 ||
			g.ExecutionType != "public_private" || g.Remarks != "상인회 협조" || g.Summary != "소통모임 운영" {
			t.Errorf("first imported %+v", g)
		}
		if got.Agendas[2].Cost != 12_000_000 || got.Agendas[2].ExecutionType != "public" || got.Agendas[3].ExecutionType != "private" {
			t.Errorf("others %+v %+v", got.Agendas[2], got.Agendas[3])
		}
	})
	t.Run("CSV with BOM, 백만원 with decimals, spaces in headers", func(t *testing.T) {
		id, path := newAsm(t)
		csv := "\ufeff 사업명 ,사업비(백만원),경상 보조,자본보조, 실행 유형\n공유부엌,2.5,1,1.5,민관협력형\n책 쉼터,0.75,,,기타\n"
		good(t, sendFile(t, e, h.Token, path, "목록.CSV", []byte(csv)), 2)
		got := getAssembly(t, h, id)
		if got.Agendas[0].Cost != 2_500_000 || got.Agendas[0].CapitalSubsidy != 1_500_000 || got.Agendas[1].Cost != 750_000 ||
			got.Agendas[1].ExecutionType != "other" {
			t.Errorf("agendas %+v", got.Agendas)
		}
	})
	t.Run("CP949 CSV as Excel on Windows saves it", func(t *testing.T) {
		id, path := newAsm(t)
		enc, err := korean.EUCKR.NewEncoder().Bytes([]byte(goodCSV))
		if err != nil {
			t.Fatal(err)
		}
		good(t, sendFile(t, e, h.Token, path, "agendas.csv", enc), 3)
		if got := getAssembly(t, h, id); got.Agendas[0].Title != "주민과 상인 우리 지금 만나!" || got.Agendas[0].Remarks != "상인회 협조" {
			t.Errorf("decoded %+v", got.Agendas[0])
		}
	})
	t.Run("XLSX", func(t *testing.T) {
		id, path := newAsm(t)
		f := excelize.NewFile()
		rows := [][]any{
			{"사업명", "사업내용", "사업비(백만원)", "경상보조", "자본보조", "자치구 담당부서", "실행유형", "비고"},
			{"주민과 상인, 우리 지금 만나!", "소통모임", 5, 2, 3, "마을과", "민관 협력형", "첫째"},
			{"숲놀이터", "놀이터", 9.5, nil, nil, "공원녹지과", "민간 주도형", nil},
		}
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
				t.Fatal(err)
			}
		}
		// A number format that would show 9.5 as 10 must not change the value.
		style, _ := f.NewStyle(&excelize.Style{NumFmt: 1})
		f.SetCellStyle("Sheet1", "C3", "C3", style)
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			t.Fatal(err)
		}
		good(t, sendFile(t, e, h.Token, path, "agendas.xlsx", buf.Bytes()), 2)
		got := getAssembly(t, h, id)
		if got.Agendas[0].Cost != 5_000_000 || got.Agendas[0].CurrentSubsidy != 2_000_000 || got.Agendas[1].Cost != 9_500_000 ||
			got.Agendas[0].Remarks != "첫째" {
			t.Errorf("agendas %+v", got.Agendas)
		}
	})
	t.Run("bad rows: every one reported, nothing imported", func(t *testing.T) {
		id, path := newAsm(t)
		addAgenda(t, h, id, map[string]any{"title": "그대로", "cost": 1})
		csv := "사업명,사업비 (원),경상보조,자본보조,실행유형\n" +
			"좋은 행,1000,,,\n" + // row 2
			",1000,,,\n" + // row 3: no title
			"비싼 행,많이,,,\n" + // row 4: bad money
			"\n" + // row 5: blank, skipped
			"합이 틀림,1000,100,100,\n" + // row 6
			"유형 틀림,1000,,,정부 주도\n" + // row 7
			"음수,-5,,,\n" + // row 8
			"비어 있음,,,,\n" // row 9: no cost
		res := sendFile(t, e, h.Token, path, "bad.csv", []byte(csv))
		var ans importAnswer
		res.JSON(t, &ans)
		if res.Status != 422 || ans.Created != 0 || ans.Error == nil || ans.Error.Code != "invalid" {
			t.Fatalf("status %d: %s", res.Status, res.Body)
		}
		want := map[string]bool{"3 사업명": true, "4 사업비 (원)": true, "6 경상보조": true, "7 실행유형": true,
			"8 사업비 (원)": true, "9 사업비 (원)": true}
		got := map[string]bool{}
		for _, r := range ans.Errors {
			got[fmt.Sprintf("%d %s", r.Row, r.Field)] = true
			if r.Message == "" || !containsHangul(r.Message) {
				t.Errorf("row %d: message %q is not Korean", r.Row, r.Message)
			}
		}
		for k := range want {
			if !got[k] {
				t.Errorf("missing error %q in %s", k, res.Body)
			}
		}
		if len(got) != len(want) {
			t.Errorf("errors %v, want %v", got, want)
		}
		if n := agendaCount(t, e, id); n != 1 {
			t.Errorf("%d agendas after a bad import, want 1", n)
		}
		// English on request.
		res = sendFile(t, e, h.Token, path+"?lang=en", "bad.csv", []byte(csv))
		res.JSON(t, &ans)
		if len(ans.Errors) == 0 || containsHangul(ans.Errors[0].Message) || containsHangul(ans.Error.Message) {
			t.Errorf("English errors: %s", res.Body)
		}
	})
	t.Run("bad XLSX row numbers", func(t *testing.T) {
		id, path := newAsm(t)
		f := excelize.NewFile()
		f.SetSheetRow("Sheet1", "A1", &[]any{"사업명", "사업비 (원)"})
		f.SetSheetRow("Sheet1", "A2", &[]any{"좋음", 1000})
		f.SetSheetRow("Sheet1", "A5", &[]any{"", 1000})
		var buf bytes.Buffer
		f.Write(&buf)
		res := sendFile(t, e, h.Token, path, "bad.xlsx", buf.Bytes())
		var ans importAnswer
		res.JSON(t, &ans)
		if res.Status != 422 || len(ans.Errors) != 1 || ans.Errors[0].Row != 5 || ans.Errors[0].Field != "사업명" {
			t.Errorf("status %d: %s", res.Status, res.Body)
		}
		if n := agendaCount(t, e, id); n != 0 {
			t.Errorf("%d agendas imported", n)
		}
	})
	files := []struct {
		name, file string
		data       []byte
		words      string
	}{
		{"empty file", "a.csv", nil, "비어"},
		{"only blank lines", "a.csv", []byte("\n\n  \n"), "비어"},
		{"no header", "a.csv", []byte("주민과 상인,5000000\n"), "사업명"},
		{"no cost column", "a.csv", []byte("사업명,위치\n의제,동\n"), "사업비"},
		{"header only", "a.csv", []byte("사업명,사업비 (원)\n"), "없습니다"},
		{"unknown file type", "a.pdf", []byte("%PDF-1.4"), "CSV"},
		{"broken xlsx", "a.xlsx", []byte("PK\x03\x04 not really"), "엑셀"},
		{"two cost columns", "a.csv", []byte("사업명,사업비 (원),사업비(백만원)\n의제,1,1\n"), "사업비"},
		{"too many rows", "a.csv", func() []byte {
			var b strings.Builder
			b.WriteString("사업명,사업비 (원)\n")
			for i := range 2001 {
				fmt.Fprintf(&b, "의제 %d,1000\n", i)
			}
			return []byte(b.String())
		}(), "2000"},
	}
	for _, c := range files {
		t.Run(c.name, func(t *testing.T) {
			id, path := newAsm(t)
			res := sendFile(t, e, h.Token, path, c.file, c.data)
			var ans importAnswer
			res.JSON(t, &ans)
			if res.Status != 422 || ans.Error == nil || ans.Error.Code != "invalid" || !strings.Contains(ans.Error.Message, c.words) {
				t.Errorf("status %d: %s", res.Status, res.Body)
			}
			if n := agendaCount(t, e, id); n != 0 {
				t.Errorf("%d agendas imported", n)
			}
		})
	}
	t.Run("exactly 2000 rows", func(t *testing.T) {
		id, path := newAsm(t)
		var b strings.Builder
		b.WriteString("사업명,사업비 (원)\n")
		for i := range 2000 {
			fmt.Fprintf(&b, "의제 %d,1000\n", i)
		}
		start := time.Now()
		good(t, sendFile(t, e, h.Token, path, "a.csv", []byte(b.String())), 2000)
		t.Logf("2,000-row CSV imported over HTTP in %v", time.Since(start).Round(time.Millisecond))
		if n := agendaCount(t, e, id); n != 2000 {
			t.Errorf("%d agendas", n)
		}
	})
	t.Run("errors of the request", func(t *testing.T) {
		id, path := newAsm(t)
		wantError(t, h.API(t, "POST", path, map[string]any{"file": "x"}), 400, "invalid", "")
		wantError(t, sendFile(t, e, "", path, "a.csv", []byte(goodCSV)), 401, "unauthorized", "")
		other := e.NewHost(t, account.RoleDong, "마포구", "망원1동")
		wantError(t, sendFile(t, e, other.Token, path, "a.csv", []byte(goodCSV)), 404, "not_found", "") // a draft: unknown to them
		district := e.NewHost(t, account.RoleDistrict, "마포구", "")
		wantError(t, sendFile(t, e, district.Token, path, "a.csv", []byte(goodCSV)), 403, "forbidden", "")
		wantError(t, sendFile(t, e, h.Token, "/api/v1/assemblies/999999/agendas/import", "a.csv", []byte(goodCSV)), 404, "not_found", "")
		setState(t, e, id, "open")
		wantError(t, sendFile(t, e, h.Token, path, "a.csv", []byte(goodCSV)), 409, "conflict", "")
		if n := agendaCount(t, e, id); n != 0 {
			t.Errorf("%d agendas imported", n)
		}
	})
}

func containsHangul(s string) bool {
	for _, r := range s {
		if r >= 0xAC00 && r <= 0xD7A3 {
			return true
		}
	}
	return false
}

// TestImportRowNumbers: rows are numbered as a spreadsheet shows them, with
// blank lines counted and a cell spanning lines counted once.
func TestImportRowNumbers(t *testing.T) {
	csv := strings.Replace(goodCSV, "8000000,8000000,0", "팔백만,8000000,0", 1)
	_, err := assembly.ImportRows("a.csv", []byte(csv))
	var me *maeul.Error
	if !errors.As(err, &me) || len(me.Rows) != 1 || me.Rows[0].Row != 5 || me.Rows[0].Field != "사업비 (원)" {
		t.Fatalf("err %v rows %+v", err, me)
	}
}

// BenchmarkImportRows reads a 2,000-row CSV and the same as XLSX (parsing
// and checking only; the database part is one INSERT per row in one
// transaction).
func BenchmarkImportRows(b *testing.B) {
	var csv strings.Builder
	csv.WriteString("사업명,사업내용,위치,사업비 (원),경상보조,자본보조,실행유형,비고\n")
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"사업명", "사업내용", "위치", "사업비 (원)", "경상보조", "자본보조", "실행유형", "비고"})
	for i := range 2000 {
		fmt.Fprintf(&csv, "의제 %d,마을 환경 개선 소통모임 운영,축산물시장 인근 상가,5000000,2000000,3000000,민관 협력형,비고\n", i)
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		f.SetSheetRow("Sheet1", cell, &[]any{fmt.Sprintf("의제 %d", i), "마을 환경 개선 소통모임 운영", "축산물시장 인근 상가", 5000000, 2000000, 3000000, "민관 협력형", "비고"})
	}
	var x bytes.Buffer
	f.Write(&x)
	for _, c := range []struct {
		name string
		data []byte
	}{{"agendas.csv", []byte(csv.String())}, {"agendas.xlsx", x.Bytes()}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.data)))
			for b.Loop() {
				rows, err := assembly.ImportRows(c.name, c.data)
				if err != nil || len(rows) != 2000 {
					b.Fatal(err, len(rows))
				}
			}
		})
	}
}
