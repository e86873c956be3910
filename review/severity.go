package review

// Severities, from least to most severe: the one definition the schema,
// the gate, the config and every renderer use.
const (
	Suggestion = "suggestion"
	Important  = "important"
	Critical   = "critical"
)

// SeverityRank orders severities: 1 suggestion, 2 important, 3 critical, 0 unknown.
func SeverityRank(s string) int {
	switch s {
	case Suggestion:
		return 1
	case Important:
		return 2
	case Critical:
		return 3
	}
	return 0
}
