package result_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"maeul/result"
	"maeul/server/servertest"
)

func TestSubmissionExports(t *testing.T) {
	e := servertest.Start(t)
	dong, other, district, otherDistrict, city := hosts(t, e)
	a, gs, _ := closedVote(t, e, servertest.FixtureOptions{}, standardVotes())
	ctx := context.Background()
	// A title a spreadsheet would run as a formula, a split budget, departments.
	if _, err := e.DB.Pool.Exec(ctx, `UPDATE agendas SET title = '=HYPERLINK("http://evil.example","클릭")',
		current_subsidy = 2000000, capital_subsidy = 3000000, remarks = '주민 제안 원문 유지', district_department = '마을과', city_department = '지역공동체담당관'
		WHERE id = $1`, gs[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.DB.Pool.Exec(ctx, `UPDATE agendas SET summary = '@SUM(A1) 놀이터 정비', location = '-성산근린공원' WHERE id = $1`, gs[1].ID); err != nil {
		t.Fatal(err)
	}
	base := fmt.Sprintf("/api/v1/assemblies/%d/submission.", a.ID)

	t.Run("who may download", func(t *testing.T) {
		if r := e.Do(t, "GET", base+"json", "", nil); r.Status != 401 {
			t.Fatalf("anonymous: %d", r.Status)
		}
		for _, h := range []*servertest.Host{other, otherDistrict} {
			if r := h.API(t, "GET", base+"csv", nil); r.Status != 403 {
				t.Fatalf("%s %s%s: %d", h.User.Role, h.User.District, h.User.Dong, r.Status)
			}
		}
		for _, h := range []*servertest.Host{dong, district, city} {
			if r := h.API(t, "GET", base+"xlsx", nil); r.Status != 200 {
				t.Fatalf("%s: %d %s", h.User.Role, r.Status, r.Body)
			}
		}
	})

	var res apiResult
	dong.API(t, "GET", fmt.Sprintf("/api/v1/assemblies/%d/results", a.ID), nil).JSON(t, &res)

	jr := dong.API(t, "GET", base+"json", nil)
	sum := sha256.Sum256(jr.Body)
	want := hex.EncodeToString(sum[:])
	t.Run("json is the canonical form and its hash is on every file", func(t *testing.T) {
		if jr.Header.Get("X-Content-SHA256") != want {
			t.Fatalf("json hash header %q, body hash %q", jr.Header.Get("X-Content-SHA256"), want)
		}
		for _, ext := range []string{"csv", "xlsx"} {
			if got := dong.API(t, "GET", base+ext, nil).Header.Get("X-Content-SHA256"); got != want {
				t.Errorf("%s carries %q, want %q", ext, got, want)
			}
		}
		var sub result.Submission
		if err := json.Unmarshal(jr.Body, &sub); err != nil {
			t.Fatal(err)
		}
		if sub.Title != "성산1동 동회의 실행계획 목록" || len(sub.Rows) != len(gs) || sub.Allocated != 28_000_000 {
			t.Fatalf("submission: %+v", sub)
		}
		page := dong.Get(t, fmt.Sprintf("/host/assemblies/%d/results", a.ID))
		if !strings.Contains(string(page.Body), want) {
			t.Error("the review page does not show the content hash")
		}
	})

	t.Run("xlsx read back equals the result", func(t *testing.T) {
		r := dong.API(t, "GET", base+"xlsx", nil)
		if !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("Content-Disposition %q", r.Header.Get("Content-Disposition"))
		}
		f, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		sheet := f.GetSheetName(0)
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if rows[0][0] != "성산1동 동회의 실행계획 목록" {
			t.Fatalf("title row %q", rows[0])
		}
		if rows[1][0] != "연번" || rows[1][1] != "사업명" || rows[1][2] != "사업내용" || rows[2][2] != "위치" || rows[2][3] != "내용" ||
			rows[1][4] != "사업비" || rows[2][4] != "백만원" || rows[2][5] != "원" || rows[1][6] != "자치구 담당부서" ||
			rows[1][7] != "서울시 담당부서" || rows[2][8] != "자치단체경상보조" || rows[2][9] != "자치단체자본보조" ||
			rows[1][10] != "실행부서" || rows[1][11] != "비고" {
			t.Fatalf("header rows %q / %q", rows[1], rows[2])
		}
		for i, g := range res.Agendas {
			row := rows[3+i]
			if row[0] != strconv.Itoa(g.Rank) || row[1] != g.Title || strings.ReplaceAll(row[5], ",", "") != strconv.FormatInt(g.Cost, 10) {
				t.Errorf("row %d: %q, want rank %d %q cost %d", i, row, g.Rank, g.Title, g.Cost)
			}
			v, _ := f.GetCellValue(sheet, "F"+strconv.Itoa(4+i), excelize.Options{RawCellValue: true})
			if v != strconv.FormatInt(g.Cost, 10) {
				t.Errorf("cost cell %q is not the number %d", v, g.Cost)
			}
			wantOutcome := "선정"
			if !g.Selected {
				wantOutcome = "예산 한도 밖 — 별도 재원"
			}
			if row[12] != strconv.FormatInt(g.Votes, 10) || row[14] != strconv.Itoa(g.Rank) || row[15] != wantOutcome {
				t.Errorf("vote columns of rank %d: %q", g.Rank, row[12:])
			}
			// Money and votes are numbers, not text.
			for _, c := range []string{"E", "F", "M", "O"} {
				if ty, _ := f.GetCellType(sheet, c+strconv.Itoa(4+i)); ty != excelize.CellTypeNumber && ty != excelize.CellTypeUnset {
					t.Errorf("%s%d is of type %v, not a number", c, 4+i, ty)
				}
				v, _ := f.GetCellValue(sheet, c+strconv.Itoa(4+i), excelize.Options{RawCellValue: true})
				if _, err := strconv.ParseFloat(v, 64); err != nil {
					t.Errorf("%s%d = %q is not a number", c, 4+i, v)
				}
			}
		}
		// The host's own 비고 reaches the district as typed.
		if rows[3][11] != "주민 제안 원문 유지" {
			t.Errorf("비고 of the first row: %q", rows[3][11])
		}
		// 합계 and 선정 합계 follow the agenda rows; their formulas add up
		// the rows above, in 백만원 and in 원.
		n := len(res.Agendas)
		total, selected := rows[3+n], rows[4+n]
		if total[0] != "합계" || selected[0] != "선정 합계" {
			t.Fatalf("total rows %q / %q", total, selected)
		}
		var sumWon, selWon int64
		for _, g := range res.Agendas {
			sumWon += g.Cost
			if g.Selected {
				selWon += g.Cost
			}
		}
		for _, tc := range []struct {
			cell string
			want float64
		}{{"F" + strconv.Itoa(4+n), float64(sumWon)}, {"E" + strconv.Itoa(4+n), float64(sumWon) / 1e6},
			{"F" + strconv.Itoa(5+n), float64(selWon)}, {"E" + strconv.Itoa(5+n), float64(selWon) / 1e6}} {
			if fm, _ := f.GetCellFormula(sheet, tc.cell); !strings.HasPrefix(fm, "SUM") {
				t.Errorf("%s is not a SUM formula: %q", tc.cell, fm)
			}
			got, err := f.CalcCellValue(sheet, tc.cell, excelize.Options{RawCellValue: true})
			if v, perr := strconv.ParseFloat(got, 64); err != nil || perr != nil || v < tc.want-1e-6 || v > tc.want+1e-6 {
				t.Errorf("%s calculates to %q (%v), want %v", tc.cell, got, err, tc.want)
			}
		}
		if selWon != res.Allocated {
			t.Errorf("selected total %d, allocated %d", selWon, res.Allocated)
		}
		if nf, _ := f.GetCellStyle(sheet, "E4"); nf == 0 {
			t.Error("E4 has no number format")
		}
		// The formula-looking title is text, not a formula.
		if fm, _ := f.GetCellFormula(sheet, "B4"); fm != "" {
			t.Errorf("B4 is a formula: %q", fm)
		}
		last := rows[len(rows)-1]
		if !strings.Contains(last[0], want) {
			t.Errorf("the last row does not carry the hash: %q", last)
		}
		layout, err := f.GetPageLayout(sheet)
		if err != nil || layout.Orientation == nil || *layout.Orientation != "landscape" || layout.Size == nil || *layout.Size != 9 ||
			layout.FitToWidth == nil || *layout.FitToWidth != 1 {
			t.Errorf("page layout: %+v %v", layout, err)
		}
		if w, _ := f.GetColWidth(sheet, "D"); w < 30 {
			t.Errorf("column D width %v", w)
		}
	})

	t.Run("csv: BOM, one header row, one row per agenda, formulas neutralised", func(t *testing.T) {
		r := dong.API(t, "GET", base+"csv", nil)
		if !bytes.HasPrefix(r.Body, []byte("\xef\xbb\xbf")) {
			t.Fatal("no UTF-8 BOM")
		}
		recs, err := csv.NewReader(bytes.NewReader(r.Body[3:])).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 1+len(gs)+2 {
			t.Fatalf("%d records, want 1 + %d + 2", len(recs), len(gs))
		}
		// Agenda rows right after the header, then 합계 and 선정 합계.
		var sumWon, selWon int64
		for i, g := range res.Agendas {
			if recs[1+i][5] != strconv.FormatInt(g.Cost, 10) || recs[1+i][12] != strconv.FormatInt(g.Votes, 10) {
				t.Errorf("row %d: %q", i, recs[1+i])
			}
			sumWon += g.Cost
			if g.Selected {
				selWon += g.Cost
			}
		}
		total, sel := recs[1+len(gs)], recs[2+len(gs)]
		if total[0] != "합계" || total[5] != strconv.FormatInt(sumWon, 10) || sel[0] != "선정 합계" || sel[5] != strconv.FormatInt(selWon, 10) {
			t.Errorf("total rows %q / %q", total, sel)
		}
		if recs[1][11] != "주민 제안 원문 유지" {
			t.Errorf("비고 %q", recs[1][11])
		}
		if !slices.Equal(recs[0], result.CSVHeader) || recs[0][0] != "연번" {
			t.Fatalf("header %q", recs[0])
		}
		for i, g := range res.Agendas {
			if recs[1+i][0] != strconv.Itoa(g.Rank) {
				t.Errorf("row %d: rank %q", i, recs[1+i][0])
			}
		}
		if got := recs[1][1]; got != `'=HYPERLINK("http://evil.example","클릭")` {
			t.Errorf("title not neutralised: %q", got)
		}
		if recs[2][2] != "'-성산근린공원" || recs[2][3] != "'@SUM(A1) 놀이터 정비" {
			t.Errorf("location/content not neutralised: %q", recs[2])
		}
		for _, rec := range recs[1 : 1+len(gs)] {
			for _, c := range rec {
				if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
					t.Errorf("a cell starts with a formula character: %q", c)
				}
			}
		}
	})

	t.Run("before closing there is nothing to export", func(t *testing.T) {
		b, _ := e.Fixture(t, servertest.FixtureOptions{State: "open"})
		if r := dong.API(t, "GET", fmt.Sprintf("/api/v1/assemblies/%d/submission.csv", b.ID), nil); r.Status != 409 {
			t.Fatalf("open vote: %d %s", r.Status, r.Body)
		}
	})
}

// The Pabulib export recounts, from the file alone, to the published result.
func TestPabulibRecount(t *testing.T) {
	e := servertest.Start(t)
	dong := e.NewHost(t, "dong", "마포구", "성산1동")
	cases := []struct {
		name string
		o    servertest.FixtureOptions
		tb   string
		vs   []vote
	}{
		{"approval", servertest.FixtureOptions{}, "cost_asc", standardVotes()},
		{"ranked", servertest.FixtureOptions{Method: "ranked"}, "cost_asc", []vote{
			{"onsite", []int{6, 1, 2}}, {"onsite", []int{6, 2}}, {"online", []int{1, 6, 3}}, {"paper", []int{2, 1}},
			{"online", []int{3}}, {"onsite", []int{5, 4, 3}}, {"onsite", []int{1, 2, 3}}}},
		{"budget, number_asc ties", servertest.FixtureOptions{Method: "budget", MaxChoices: 6}, "number_asc", []vote{
			{"onsite", []int{1, 2}}, {"onsite", []int{3, 4}}, {"online", []int{2, 3}}, {"paper", []int{5}}, {"paper", []int{6}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.o.State = "open"
			a, gs := e.Fixture(t, tc.o)
			if _, err := e.DB.Pool.Exec(context.Background(), `UPDATE assemblies SET tie_break = $2 WHERE id = $1`, a.ID, tc.tb); err != nil {
				t.Fatal(err)
			}
			castSQL(t, e, a, gs, tc.vs)
			setState(t, e, a, "closed")
			if r := dong.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/announce", a.ID), nil); r.Status != 200 {
				t.Fatalf("announce: %d %s", r.Status, r.Body)
			}
			var res apiResult
			e.Do(t, "GET", fmt.Sprintf("/api/v1/assemblies/%d/results", a.ID), "", nil).JSON(t, &res)
			for _, l := range []string{"ko", "en"} {
				clean(t, "results page ("+a.Method+", "+l+")", e.Do(t, "GET", "/r/"+a.Slug+"?lang="+l, "", nil).Body)
			}
			r := e.Do(t, "GET", fmt.Sprintf("/api/v1/assemblies/%d/ballots.pb", a.ID), "", nil)
			if r.Status != 200 {
				t.Fatalf("ballots.pb: %d %s", r.Status, r.Body)
			}
			body := string(r.Body)
			for _, want := range []string{"META\n", "PROJECTS\n", "VOTES\n", "(method=" + a.Method + ", tie_break=" + tc.tb + ")"} {
				if !strings.Contains(body, want) {
					t.Errorf("the file lacks %q", want)
				}
			}
			if strings.Contains(body, "TEST-") {
				t.Error("the file carries receipts")
			}
			pbcheck(t, a.Method, r.Body)
			pb, err := result.ParsePabulib(strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			if rc, err := result.RecountPabulib(pb); err != nil || rc.Method != a.Method || rc.TieBreak != tc.tb {
				t.Errorf("the recount reads the method and tie-break %+v, %v", rc, err)
			}
			if len(pb.Votes) != len(tc.vs) || len(pb.Projects) != len(gs) {
				t.Fatalf("%d votes, %d projects", len(pb.Votes), len(pb.Projects))
			}
			rc, err := result.RecountPabulib(pb)
			if err != nil {
				t.Fatal(err)
			}
			if len(rc.Ranked) != len(res.Agendas) {
				t.Fatalf("recount has %d agendas", len(rc.Ranked))
			}
			for i, x := range rc.Ranked {
				g := res.Agendas[i]
				if strconv.FormatInt(x.ID, 10) != g.ID || x.Rank != g.Rank || x.Selected != g.Selected || x.Votes != g.Votes || x.Points != g.Points {
					t.Errorf("rank %d: recount %+v, published %+v", i+1, x, g)
				}
			}
			if result.Allocated(rc.Ranked) != res.Allocated {
				t.Errorf("recount allocates %d, published %d", result.Allocated(rc.Ranked), res.Allocated)
			}
			// The command prints the same, from the file alone.
			path := filepath.Join(t.TempDir(), "x.pb")
			os.WriteFile(path, r.Body, 0o600)
			var out bytes.Buffer
			if err := result.RecountFile(&out, path); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), "every project's recounted votes equal the file's votes column") ||
				!strings.Contains(out.String(), "the recount agrees with the file's selected column") {
				t.Errorf("recount output:\n%s", out.String())
			}
		})
	}
}

func TestRecountWeesp(t *testing.T) {
	// A copy of pabulib.org's Netherlands_Amsterdam_2020_Weesp.pb.
	path := "testdata/Netherlands_Amsterdam_2020_Weesp.pb"
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pb, err := result.ParsePabulib(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(pb.Projects) != 18 || len(pb.Votes) != 4453 || pb.Meta["budget"] != "30000" || pb.Meta["vote_type"] != "approval" {
		t.Fatalf("parsed %d projects, %d votes, meta %v", len(pb.Projects), len(pb.Votes), pb.Meta)
	}
	rc, err := result.RecountPabulib(pb)
	if err != nil {
		t.Fatal(err)
	}
	var ids, sel []string
	for _, r := range rc.Ranked {
		ids = append(ids, strconv.FormatInt(r.ID, 10))
		if r.Selected {
			sel = append(sel, strconv.FormatInt(r.ID, 10))
		}
		if p := rc.Projects[r.ID]; p.Votes == nil || *p.Votes != r.Votes {
			t.Errorf("project %d: recounted %d votes, the file says %v", r.ID, r.Votes, p.Votes)
		}
	}
	if !slices.Equal(ids[:6], []string{"38282", "38278", "38280", "38268", "38266", "38489"}) {
		t.Errorf("order %v", ids)
	}
	// Greedy with skip: 5,000 + (30,000 does not fit) + 20,000 + 5,000 = 30,000.
	if !slices.Equal(sel, []string{"38282", "38280", "38268"}) || result.Allocated(rc.Ranked) != 30000 {
		t.Errorf("selected %v, allocated %d", sel, result.Allocated(rc.Ranked))
	}
	var out bytes.Buffer
	if err := result.RecountFile(&out, path); err != nil {
		t.Fatal(err)
	}
	t.Logf("maeul recount %s:\n%s", filepath.Base(path), out.String())
	if !strings.Contains(out.String(), "allocated 30,000 of 30,000") {
		t.Errorf("output:\n%s", out.String())
	}
}
