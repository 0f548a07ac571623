package districtplan_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"maeul/account"
	"maeul/server/servertest"
)

// A survey of the plan's participants: the district opens it, participants
// answer through its public link (the form works without JavaScript), an
// incomplete answer writes nothing, the results sum the ratings, a closed
// survey takes no more, and an answer keeps nothing but ratings, comment
// and date.
func TestSurveys(t *testing.T) {
	e := servertest.Start(t)
	mapo := e.NewHost(t, account.RoleDistrict, "마포구", "")
	other := e.NewHost(t, account.RoleDistrict, "종로구", "")
	base := "/api/v1/district-plans/" + url.PathEscape("마포구")
	q := "?year=2027"
	want(t, mapo.API(t, "PUT", base+"/application"+q, application(3, 3)), 200, "")
	body := map[string]any{"title": "공론장 참여자 설문", "questions": []string{"내 의견을 말할 수 있었다", " ", "결과가 계획에 반영되었다"}}
	want(t, other.API(t, "POST", base+"/surveys"+q, body), 403, "forbidden")
	res := mapo.API(t, "POST", base+"/surveys"+q, body)
	want(t, res, 201, "")
	var sv struct{ ID, URL string }
	res.JSON(t, &sv)
	token := sv.URL[strings.LastIndex(sv.URL, "/")+1:]
	answer := func(ratings []int, comment string) *servertest.Response {
		return e.Do(t, "POST", "/api/v1/surveys/"+token+"/answers", "", map[string]any{"ratings": ratings, "comment": comment})
	}
	want(t, answer([]int{5}, ""), 422, "invalid")
	want(t, answer([]int{5, 6}, ""), 422, "invalid")
	want(t, answer([]int{5, 4}, "좋았습니다 <script>x</script>"), 201, "")
	want(t, answer([]int{3, 4}, ""), 201, "")
	// The public form, without JavaScript.
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	r, err := c.PostForm(e.URL+"/survey/"+token, url.Values{"q0": {"1"}, "q1": {"2"}, "comment": {""}})
	if err != nil || r.StatusCode != 303 || !strings.HasSuffix(r.Header.Get("Location"), "?thanks=1") {
		t.Fatalf("form answer: %v %v", r, err)
	}
	r, err = c.PostForm(e.URL+"/survey/"+token, url.Values{"q0": {"1"}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 422 || !strings.Contains(string(page), "모든 문항") || !strings.Contains(string(page), `id="q0-1" name="q0" value="1" checked`) {
		t.Errorf("incomplete form: %d (the page must say why and keep the answers)", r.StatusCode)
	}
	var results struct {
		Questions []struct {
			Question string  `json:"question"`
			Counts   [5]int  `json:"counts"`
			Mean     float64 `json:"mean"`
		} `json:"questions"`
		Comments []string `json:"comments"`
	}
	want(t, other.API(t, "GET", base+"/surveys/"+sv.ID+q, nil), 403, "forbidden")
	mapo.API(t, "GET", base+"/surveys/"+sv.ID+q, nil).JSON(t, &results)
	if len(results.Questions) != 2 || results.Questions[0].Counts != [5]int{1, 0, 1, 0, 1} || results.Questions[0].Mean != 3 ||
		results.Questions[1].Counts != [5]int{0, 1, 0, 2, 0} || len(results.Comments) != 1 {
		t.Errorf("results %+v", results)
	}
	if p := mapo.Get(t, "/host/district-plans/"+url.PathEscape("마포구")+"/surveys/"+sv.ID); p.Status != 200 ||
		strings.Contains(string(p.Body), "<script>x</script>") || !strings.Contains(string(p.Body), "&lt;script&gt;x&lt;/script&gt;") {
		t.Errorf("results page: %d (the comment must be escaped)", p.Status)
	}
	var cols []string
	rows, _ := e.DB.Pool.Query(t.Context(), `SELECT column_name FROM information_schema.columns WHERE table_name = 'dp_survey_answers' ORDER BY ordinal_position`)
	for rows.Next() {
		var c string
		rows.Scan(&c)
		cols = append(cols, c)
	}
	if strings.Join(cols, ",") != "survey_id,ratings,comment,answered_on" {
		t.Errorf("an answer keeps %v: nothing that could identify who answered", cols)
	}
	if _, err := e.DB.Pool.Exec(t.Context(), `INSERT INTO dp_survey_answers (survey_id, ratings) VALUES ($1, '{0,9}')`, sv.ID); err == nil {
		t.Error("the database took ratings outside 1–5")
	}
	if f := mapo.PostForm(t, "/host/district-plans/"+url.PathEscape("마포구")+"/surveys/"+sv.ID+"/close?year=2027", url.Values{}); f.Status != 303 && f.Status != 200 {
		t.Fatalf("close: %d %s", f.Status, f.Body)
	}
	want(t, answer([]int{5, 5}, ""), 409, "conflict")
}
