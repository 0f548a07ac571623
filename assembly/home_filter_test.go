package assembly_test

import (
	"net/url"
	"strings"
	"testing"

	"maeul/assembly"
	"maeul/server/servertest"
)

// The landing page filters by 구 and 동 with a plain GET form, and the
// booklet folds each agenda's plan under "실행계획 자세히 보기" with a way
// to the ballot while voting is open.
func TestHomeFilterAndBookletFold(t *testing.T) {
	e := servertest.Start(t)
	a, _ := e.Fixture(t, servertest.FixtureOptions{District: "마포구", Dong: "성산1동", State: assembly.StateOpen})
	b, _ := e.Fixture(t, servertest.FixtureOptions{District: "마포구", Dong: "망원1동"})
	c, _ := e.Fixture(t, servertest.FixtureOptions{District: "강남구", Dong: "역삼1동"})
	all := string(get(t, e, "/").Body)
	for _, want := range []string{`<select id="f-district" name="district">`, `<option value="강남구">`, `<option value="마포구">`,
		`<select id="f-dong" name="dong">`, a.Title, b.Title, c.Title} {
		if !strings.Contains(all, want) {
			t.Errorf("the landing page lacks %q", want)
		}
	}
	mapo := string(get(t, e, "/?district="+url.QueryEscape("마포구")).Body)
	if !strings.Contains(mapo, "/a/"+a.Slug) || !strings.Contains(mapo, "/a/"+b.Slug) || strings.Contains(mapo, "/a/"+c.Slug) ||
		strings.Contains(mapo, `<option value="역삼1동">`) || !strings.Contains(mapo, `<option value="마포구" selected>`) {
		t.Error("filtering by 마포구 does not keep 마포구's assemblies only (or its 동 list)")
	}
	one := string(get(t, e, "/?district="+url.QueryEscape("마포구")+"&dong="+url.QueryEscape("망원1동")).Body)
	if strings.Contains(one, "/a/"+a.Slug) || !strings.Contains(one, "/a/"+b.Slug) {
		t.Error("filtering by 망원1동 does not keep its assembly only")
	}
	none := string(get(t, e, "/?district="+url.QueryEscape("강남구")+"&dong="+url.QueryEscape("망원1동")).Body)
	if !strings.Contains(none, "/a/"+c.Slug) {
		t.Error("a 동 outside the chosen 구 should be ignored, not hide everything")
	}
	booklet := string(get(t, e, "/a/"+a.Slug).Body)
	if !strings.Contains(booklet, `<details class="plan-more">`) || !strings.Contains(booklet, "<summary>실행계획 자세히 보기</summary>") ||
		strings.Count(booklet, `href="/v/`+a.Slug+`"`) < 2 {
		t.Error("the booklet does not fold the plan or offer the way to vote")
	}
	if closed := string(get(t, e, "/a/"+b.Slug).Body); strings.Contains(closed, `href="/v/`+b.Slug+`"`) {
		t.Error("a booklet before voting offers the ballot")
	}
}
