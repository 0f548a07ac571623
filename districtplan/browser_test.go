package districtplan_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"maeul/account"
	"maeul/server/servertest"
)

// A district host writes the application (서식 1-1) through the pages,
// submits it (the confirmation box is required), and files a draft; the
// city records the pre-coordination meeting and an opinion; the district
// answers it — all in a real Chromium, without the API.
func TestDistrictPlanInBrowser(t *testing.T) {
	e := servertest.Start(t)
	mapo := e.NewHost(t, account.RoleDistrict, "마포구", "")
	city := e.NewHost(t, account.RoleCity, "", "")
	if res := city.API(t, "POST", "/api/v1/district-plans/committee?year=2027", map[string]any{"name": "김위원", "kind": "expert"}); res.Status != 201 {
		t.Fatalf("committee: %d %s", res.Status, res.Body)
	}
	ctx := servertest.Browser(t)
	page := e.URL + "/host/district-plans/" + url.PathEscape("마포구") + "?year=2027"
	login := func(h *servertest.Host, next string) {
		t.Helper()
		if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
			t.Fatal(err)
		}
		err := chromedp.Do(ctx,
			chromedp.Navigate(e.URL+"/login?next="+url.QueryEscape(next)),
			chromedp.WaitVisible("#email"),
			chromedp.SendKeys("#email", h.Email),
			chromedp.SendKeys("#password", "correct horse battery"),
			chromedp.Submit("#password"),
			chromedp.WaitVisible("h1"))
		if err != nil {
			t.Fatalf("login: %v", err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		return s
	}

	login(mapo, "/host/district-plans/"+url.PathEscape("마포구")+"/application?year=2027")
	err := chromedp.Do(ctx,
		chromedp.SendKeys("#f-council_name", "협치마포구회의"),
		chromedp.SendKeys("#f-civil_rep", "홍길동"),
		chromedp.SendKeys("#f-public_rep", "마포구청장"),
		chromedp.SendKeys("#f-background", "<b>구 차원</b>의 협치"),
		chromedp.Click("#f-plan_filed"),
		chromedp.SetValue("#f-plan_filed_on", "2027-03-02"),
		chromedp.Click("#f-agreed"),
		chromedp.SendKeys("#p-name-0", "이민간"),
		chromedp.SetValue("#p-group-0", "governance_council"),
		chromedp.SetValue("#p-sector-0", "private"),
		chromedp.SendKeys("#p-name-1", "박행정"),
		chromedp.SetValue("#p-group-1", "other"),
		chromedp.SetValue("#p-sector-1", "public"),
		chromedp.Submit("#f-council_name"),
		chromedp.WaitVisible("#app-checks"))
	if err != nil {
		t.Fatalf("write the application: %v", err)
	}
	if s := text("#form-1-1"); !strings.Contains(s, "<b>구 차원</b>의 협치") || !strings.Contains(s, "협치마포구회의") {
		t.Errorf("서식 1-1 shows %q", s)
	}
	if s := text("#people-counts"); !strings.Contains(s, "총 2명") {
		t.Errorf("counts %q", s)
	}
	// Submitting without ticking the box is refused, with the reason.
	if err := chromedp.Do(ctx, chromedp.Submit("#submit-confirm"), chromedp.WaitVisible(".error-box")); err != nil {
		t.Fatal(err)
	}
	if s := text(".error-box"); !strings.Contains(s, "확인란") {
		t.Errorf("error %q", s)
	}
	err = chromedp.Do(ctx, chromedp.Click("#submit-confirm"), chromedp.Submit("#submit-confirm"), chromedp.WaitVisible(".ok-box"),
		chromedp.SetValue("#v-stage", "draft"),
		chromedp.SendKeys("#v-basic", "기본계획"),
		chromedp.SendKeys("#v-inst", "제도기반"),
		chromedp.SendKeys("#v-pb", "참여예산 지원"),
		chromedp.SendKeys("#v-next", "다음 해"),
		chromedp.SendKeys("#v-prop", "개인 제안 반영"),
		chromedp.SendKeys("#v-grant", "1,000,000,000"),
		chromedp.SendKeys("#pr-title-0", "마을 돌봄망"),
		chromedp.SetValue("#pr-kind-0", "3"),
		chromedp.SendKeys("#pr-budget-0", "700,000,000"),
		chromedp.Click("#v-confirm"),
		chromedp.Submit("#v-confirm"),
		chromedp.WaitVisible("#versions"))
	if err != nil {
		t.Fatalf("submit and file a draft: %v", err)
	}
	if s := text("#versions"); !strings.Contains(s, "초안") || !strings.Contains(s, "700,000,000") {
		t.Errorf("versions %q", s)
	}

	login(city, "/host/district-plans?year=2027")
	if s := text("#dp-overview"); !strings.Contains(s, "마포구") || !strings.Contains(s, "초안") {
		t.Errorf("overview %q", s)
	}
	err = chromedp.Do(ctx, chromedp.Navigate(page), chromedp.WaitVisible("#r-date"),
		chromedp.SetValue("#r-date", "2027-07-10"), chromedp.Submit("#r-date"), chromedp.WaitVisible("#round-0"))
	if err != nil {
		t.Fatalf("record round 0: %v", err)
	}
	err = chromedp.Do(ctx, chromedp.Click(`#round-0 input[name="check_private_share"]`),
		chromedp.SendKeys(`#round-0 textarea[name="opinion"]`, "공론장 기록 보완"),
		chromedp.Submit(`#round-0 textarea[name="opinion"]`), chromedp.WaitVisible("#round-0 .opinion"))
	if err != nil {
		t.Fatalf("record an opinion: %v", err)
	}

	login(mapo, "/host/district-plans/"+url.PathEscape("마포구")+"?year=2027")
	err = chromedp.Do(ctx, chromedp.SendKeys(`#round-0 textarea[name="answer"]`, "공론장 2회 추가"),
		chromedp.Submit(`#round-0 textarea[name="answer"]`), chromedp.WaitVisible(".ok-box"))
	if err != nil {
		t.Fatalf("answer: %v", err)
	}
	if s := text("#round-0"); !strings.Contains(s, "공론장 2회 추가") {
		t.Errorf("round 0 after the answer: %q", s)
	}
	// Nothing scrolls sideways on a 360 px phone.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 800), chromedp.Navigate(page), chromedp.WaitVisible("h1")); err != nil {
		t.Fatal(err)
	}
	over, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth`))
	if over {
		wide, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 8).map(e => e.tagName + "#" + e.id + "." + e.className + " " + Math.round(e.getBoundingClientRect().right))`))
		t.Logf("wider than the page: %v", wide)
	}
	if err != nil || over {
		t.Errorf("horizontal overflow at 360 px: %v %v", over, err)
	}
}
