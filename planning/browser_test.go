package planning_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"maeul/server/servertest"
)

// One journey in Chromium: a department logs in, finds the dong's request
// in its queue, answers the final review with the radio buttons and text
// areas of 서식 2-6, and the agenda carries the verdict; at 320 px the form
// does not scroll sideways.
func TestBrowserFinalReview(t *testing.T) {
	e := servertest.Start(t)
	ctx := context.Background()
	_, gs := e.Fixture(t, servertest.FixtureOptions{State: "draft", Costs: []int64{3_000_000}})
	if _, err := e.DB.Pool.Exec(ctx, `UPDATE agendas SET district_department = '공원녹지과' WHERE id = $1`, gs[0].ID); err != nil {
		t.Fatal(err)
	}
	dong := e.NewHost(t, "dong", "마포구", "성산1동")
	var r reviewJSON
	res := dong.API(t, "POST", fmt.Sprintf("/api/v1/agendas/%d/reviews", gs[0].ID), map[string]any{"kind": "final"})
	want(t, "ask final", res, 201)
	res.JSON(t, &r)
	parks := department(t, e, "마포구", "공원녹지과")

	b := servertest.Browser(t)
	err := chromedp.Do(b,
		chromedp.EmulateViewport(320, 800),
		chromedp.Navigate(e.URL+"/login?next=/host/reviews"),
		chromedp.WaitVisible("#email"),
		chromedp.SendKeys("#email", parks.Email),
		chromedp.SendKeys("#password", "correct horse battery"),
		chromedp.Submit("#password"),
		chromedp.WaitVisible("#review-queue"),
		chromedp.Click("#review-queue a"),
		chromedp.WaitVisible("#f-overview"),
		chromedp.SendKeys("#f-overview", "공원 그늘막 설치"),
		chromedp.Click("#f-law_conflict-no"),
		chromedp.Click("#f-ineligible-no"),
		chromedp.SendKeys("#f-assessment", "시급성 높음, 수혜범위 넓음"),
		chromedp.Click("#f-verdict-a"),
		chromedp.SendKeys("#f-officer_name", "김담당"),
	)
	if err != nil {
		t.Fatal(err)
	}
	wide, err := chromedp.Run(b, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
	if err != nil || wide {
		t.Errorf("the review form scrolls sideways at 320 px (%v)", err)
	}
	if err := chromedp.Do(b, chromedp.Submit("#f-officer_name"), chromedp.WaitVisible(".ok-box")); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Agendas []struct {
			ReviewResult string `json:"review_result"`
		} `json:"agendas"`
	}
	dong.API(t, "GET", fmt.Sprintf("/api/v1/assemblies/%d", gs[0].AssemblyID), nil).JSON(t, &got)
	if got.Agendas[0].ReviewResult != "adequate" {
		t.Fatalf("verdict %+v", got)
	}
	// The form shows the answer kept, for a revision.
	kept, err := chromedp.Run(b, chromedp.Evaluate[string](`document.querySelector('#f-assessment').value + '|' + document.querySelector('#f-verdict-a').checked`))
	if err != nil || kept != "시급성 높음, 수혜범위 넓음|true" {
		t.Errorf("the answered review's form holds %q (%v)", kept, err)
	}
}
