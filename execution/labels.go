package execution

import (
	"strings"
	"time"

	"maeul/i18n"
)

// DecisionLabel is a decision in Korean (승인, 미승인, 조건부 승인, 심의 전).
func DecisionLabel(d string) string { return i18n.T("ko", "execution.decision."+d) }

// StatusLabel is a status in Korean (계획 중, 실행 중, 완료, 중단).
func StatusLabel(s string) string { return i18n.T("ko", "execution.status."+s) }

func yesNo(b bool) string {
	if b {
		return "Y"
	}
	return ""
}

func joinKinds(ks []string) string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = i18n.T("ko", "execution.report."+k)
	}
	return strings.Join(out, ", ")
}

func dayString(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(seoul).Format("2006-01-02")
}
