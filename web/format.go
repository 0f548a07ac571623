package web

import "maeul/format"

// The formats of maeul/format, under the names the pages and templates
// have always used.
var (
	Seoul          = format.Seoul
	Won            = format.Won
	Money          = format.Money
	MoneyShort     = format.MoneyShort
	Group          = format.Group
	Manwon         = format.Manwon
	Million        = format.Million
	FormatDate     = format.FormatDate
	FormatTime     = format.FormatTime
	FormatDateTime = format.FormatDateTime
)
