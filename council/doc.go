// Package council owns the dong council's roster (서식 2-1): the member
// counts checked against the plan's composition rules, and the printable
// application filled from them. Names are kept only when the host asks.
//
// The domain half is Service (roster.go: the list, the counts and the
// rules; store.go: the stored rosters; sheet.go: who reads which dong and
// what 서식 2-1 is filled from). The HTTP half is Handlers (routes.go and
// the pages_*.go files).
package council
