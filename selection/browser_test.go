package selection_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"maeul/council"
	"maeul/server/servertest"
)

// The district's selection journey in a browser, with JavaScript's help
// for nothing: log in, see the received applications, add a committee
// member, rank and select (only 찾동 dongs applied: no scores needed),
// report to the city, print 서식 2-2, see every dong's timeline.
func TestDistrictSelectionInBrowser(t *testing.T) {
	e := servertest.Start(t)
	ctx := context.Background()
	cs := council.NewService(e.DB.Pool)
	for _, dong := range []string{"사직동", "청운효자동"} {
		if _, err := cs.Save(ctx, council.Upload{District: "종로구", Dong: dong, PlanYear: 2026, Members: crowd(20, 12, 1)}); err != nil {
			t.Fatal(err)
		}
		h := e.NewHost(t, "dong", "종로구", dong)
		want(t, 200, h.API(t, "PUT", "/api/v1/selection/2026/application", application(true)), "save "+dong)
		want(t, 200, h.API(t, "POST", "/api/v1/selection/2026/application/submit", nil), "submit "+dong)
	}
	city := e.NewHost(t, "city", "", "")
	want(t, 204, city.API(t, "PUT", "/api/v1/selection/2026/groups/"+url.PathEscape("종로구"), map[string]string{"group": "stage2"}), "group")
	gu := e.NewHost(t, "district", "종로구", "")

	b := servertest.Browser(t)
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(b, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		return s
	}
	if err := chromedp.Do(b,
		chromedp.Navigate(e.URL+"/login?next="+url.QueryEscape("/host/selection?year=2026")),
		chromedp.SendKeys("#email", gu.Email),
		chromedp.SendKeys("#password", "correct horse battery"),
		chromedp.Submit("#password"),
		chromedp.WaitVisible("#apps-h"),
	); err != nil {
		t.Fatal(err)
	}
	if s := text("#apps-h"); !strings.Contains(s, "2건 접수, 완결 2건") {
		t.Fatalf("received: %q", s)
	}
	if err := chromedp.Do(b,
		chromedp.SendKeys("#m_name", "김과장"),
		chromedp.SetValue("#m_role", "budget_head"),
		chromedp.Click(`form[action="/host/selection/members"] button[type=submit]`),
		chromedp.WaitVisible(`div[role=status]`),
	); err != nil {
		t.Fatal(err)
	}
	if s := text("#committee-h"); !strings.Contains(s, "1명") {
		t.Fatalf("committee: %q", s)
	}
	if err := chromedp.Do(b, chromedp.Click(`button[value=decide]`), chromedp.WaitVisible(`button[value=submit]`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b, chromedp.Click(`button[value=submit]`), chromedp.WaitVisible(`div[role=status]`)); err != nil {
		t.Fatal(err)
	}
	if s := text("#report-state"); !strings.Contains(s, "시에 심의결과를 보고함") {
		t.Fatalf("report state: %q", s)
	}
	if err := chromedp.Do(b, chromedp.Navigate(e.URL+"/host/selection/report?year=2026"), chromedp.WaitVisible("#r-ranking")); err != nil {
		t.Fatal(err)
	}
	rows, err := chromedp.Run(b, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#r-ranking tbody tr")].map(r => [...r.cells].map(c => c.innerText.trim()).join(" "))`))
	if err != nil || strings.Join(rows, "|") != "1 사직동 찾동  선정|2 청운효자동 찾동  선정" {
		t.Fatalf("ranking %q %v", rows, err)
	}
	if s := text("#r-result"); !strings.Contains(s, "2개 접수, 2개 선정") {
		t.Fatalf("result line %q", s)
	}
	if s := text("#r-held"); !strings.Contains(s, "심의 생략") {
		t.Fatalf("a 찾동-only review does not say it was skipped: %q", s)
	}
	if err := chromedp.Do(b, chromedp.Navigate(e.URL+"/host/timeline?year=2026"), chromedp.WaitVisible("#timeline")); err != nil {
		t.Fatal(err)
	}
	n, err := chromedp.Run(b, chromedp.Evaluate[int](`document.querySelectorAll("#timeline tbody tr").length`))
	if err != nil || n != 2 {
		t.Fatalf("%d dongs on the timeline %v", n, err)
	}
}
