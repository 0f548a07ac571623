package e2e

import (
	"net/http"
	"strings"
	"testing"
)

// Resident pages speak to residents: no request ids in the footer, no
// command lines or backticks, no "Pabulib" or "SHA-256" — the technical
// proof waits in the results page's 검증 자료 fold.
func TestResidentPagesHaveNoDeveloperWords(t *testing.T) {
	s := newSite(t, false)
	pub, op, ann := s.fixture(t, published), s.fixture(t, open), s.fixture(t, announced)
	pages := []string{"/", "/a/" + pub.Slug, "/a/" + pub.Slug + "/notice", "/a/" + op.Slug, "/v/" + op.Slug, "/r/" + ann.Slug}
	for _, l := range []string{"ko", "en"} {
		for _, p := range pages {
			body := string(fetch(t, &http.Client{}, s.e.URL+p+"?lang="+l))
			if i := strings.Index(body, `<details class="verify"`); i >= 0 {
				if j := strings.Index(body[i:], "</details>"); j >= 0 {
					body = body[:i] + body[i+j:]
				}
			}
			for _, bad := range []string{"SHA-256", "Pabulib", "`", "maeul recount", "요청 번호", "Request id", "--email"} {
				if strings.Contains(body, bad) {
					k := strings.Index(body, bad)
					t.Errorf("%s (%s) shows %q: …%s…", p, l, bad, body[max(0, k-80):min(len(body), k+80)])
				}
			}
		}
	}
}
