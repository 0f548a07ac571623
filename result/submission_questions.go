package result

import "maeul/i18n"

// SubmissionQuestion is a yes/no question's line of the submission:
// passed or not, with the counts.
type SubmissionQuestion struct {
	Text    string `json:"text"`
	Rule    string `json:"rule"`
	Yes     int64  `json:"yes"`
	No      int64  `json:"no"`
	Abstain int64  `json:"abstain"`
	Passed  bool   `json:"passed"`
	Line    string `json:"line"`
}

// addSubmissionQuestions adds the questions' lines and, for a vote under
// the minimum turnout, the line saying it is invalid.
func addSubmissionQuestions(s *Submission, r *Result) {
	if !r.Valid {
		s.Invalid = InvalidLine("ko", r.Turnout)
	}
	for _, x := range r.Questions {
		s.Questions = append(s.Questions, SubmissionQuestion{Text: x.Text, Rule: x.Rule, Yes: x.Yes, No: x.No,
			Abstain: x.Abstain, Passed: x.Passed, Line: QuestionLine("ko", x)})
	}
}

// extraLines are the lines the CSV and XLSX write under the totals: the
// invalid vote's, then one per question.
func (s *Submission) extraLines() []string {
	var out []string
	if s.Invalid != "" {
		out = append(out, s.Invalid)
	}
	for _, q := range s.Questions {
		out = append(out, q.Line)
	}
	return out
}

// noteInvalid is the 선정 여부 of every agenda of an invalid vote.
func noteInvalid() string { return i18n.T("ko", "submission.invalid") }
