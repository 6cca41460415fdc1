package pipeline

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// docs/reduce.sql must run unchanged on DuckDB, Spark SQL and Trino. TestReduceSQL runs
// it on DuckDB; this test keeps it inside the SQL the other two share, which no engine
// run here would catch: it reads the query as tokens and refuses any keyword, function
// or operator outside the header's list, and any name that Spark (ANSI mode) or Trino
// reserves.

// sqlKeywords are the keywords the query may use (written in upper case in it).
var sqlKeywords = keywordSet(`WITH AS SELECT DISTINCT FROM JOIN LEFT CROSS ON WHERE GROUP BY
	HAVING ORDER UNION ALL CASE WHEN THEN ELSE END AND OR NOT IS NULL OVER PARTITION
	RANGE BETWEEN UNBOUNDED PRECEDING CURRENT ROW DESC ASC TRUE FALSE BIGINT INTEGER
	BOOLEAN`)

// sqlFunctions are the functions it may call: aggregates and window functions of
// SQL:2003 that Spark SQL and Trino both have, and CAST.
var sqlFunctions = keywordSet(`COUNT MIN MAX SUM COALESCE CAST ROW_NUMBER`)

// sqlOperators are its operators and punctuation. Not among them: / (Spark's divides
// in floating point, Trino's truncates), || and the bit operators (not in all three),
// :: and [] (DuckDB's casts and lists), != and == (<> and = are standard).
var sqlOperators = []string{"<>", "<=", ">=", "(", ")", ",", ".", "+", "-", "*", "%", "=", "<", ">"}

// reservedNames may not name a table, column or alias: Trino's reserved keywords
// (trino.io/docs/current/language/reserved.html) and Spark's in ANSI mode
// (docs/sql-ref-ansi-compliance.md of Spark 3.x/4.x), together.
var reservedNames = keywordSet(`ALTER AND AS BETWEEN BY CASE CAST CONSTRAINT CREATE CROSS CUBE
	CURRENT_CATALOG CURRENT_DATE CURRENT_PATH CURRENT_ROLE CURRENT_SCHEMA CURRENT_TIME
	CURRENT_TIMESTAMP CURRENT_USER DEALLOCATE DELETE DESCRIBE DISTINCT DROP ELSE END ESCAPE
	EXCEPT EXECUTE EXISTS EXTRACT FALSE FOR FROM FULL GROUP GROUPING HAVING IN INNER
	INSERT INTERSECT INTO IS JOIN JSON_ARRAY JSON_EXISTS JSON_OBJECT JSON_QUERY JSON_TABLE
	JSON_VALUE LEFT LIKE LISTAGG LOCALTIME LOCALTIMESTAMP NATURAL NORMALIZE NOT NULL ON
	OR ORDER OUTER PREPARE RECURSIVE RIGHT ROLLUP SELECT SKIP TABLE THEN TRIM TRUE
	UESCAPE UNION UNNEST USING VALUES WHEN WHERE WITH
	ALL ANY AUTHORIZATION BOTH CHECK COLLATE COLUMN FETCH FOREIGN GRANT LATERAL LEADING
	OFFSET ONLY OVERLAPS PRIMARY REFERENCES SESSION_USER SOME TIME TO TRAILING UNIQUE
	UNKNOWN USER`)

func keywordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// sqlToken is one token of a query: a word, a number, a string literal or an
// operator, with its line.
type sqlToken struct {
	text string
	line int
}

// sqlTokens splits a query into tokens, dropping -- comments and white space. It
// returns an error for a character no token starts with (a double quote, a backtick,
// a bracket, a brace, a semicolon, ...), naming its line.
func sqlTokens(q string) ([]sqlToken, error) {
	var out []sqlToken
	line := 1
	isWord := func(c byte) bool {
		return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	}
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case strings.HasPrefix(q[i:], "--"):
			for i < len(q) && q[i] != '\n' {
				i++
			}
		case c == '\'':
			j := i + 1
			for j < len(q) && q[j] != '\'' {
				j++
			}
			if j == len(q) {
				return nil, fmt.Errorf("line %d: unterminated string literal", line)
			}
			out = append(out, sqlToken{q[i : j+1], line})
			i = j + 1
		case isWord(c):
			j := i
			for j < len(q) && isWord(q[j]) {
				j++
			}
			out = append(out, sqlToken{q[i:j], line})
			i = j
		default:
			k := slices.IndexFunc(sqlOperators, func(op string) bool { return strings.HasPrefix(q[i:], op) })
			if k < 0 {
				return nil, fmt.Errorf("line %d: %q is not in the portable SQL of docs/reduce.sql", line, q[i:i+1])
			}
			out = append(out, sqlToken{sqlOperators[k], line})
			i += len(sqlOperators[k])
		}
	}
	return out, nil
}

// portabilityErrors lists what in the query q is outside the portable SQL.
func portabilityErrors(q string) []string {
	toks, err := sqlTokens(q)
	if err != nil {
		return []string{err.Error()}
	}
	var errs []string
	for i, t := range toks {
		c := t.text[0]
		if c == '\'' || c >= '0' && c <= '9' || slices.Contains(sqlOperators, t.text) {
			if strings.HasPrefix(t.text, "0x") || strings.HasPrefix(t.text, "0X") {
				errs = append(errs, fmt.Sprintf("line %d: hexadecimal literal %s", t.line, t.text))
			}
			continue
		}
		call := i+1 < len(toks) && toks[i+1].text == "("
		switch upper := strings.ToUpper(t.text); {
		case t.text == upper && sqlFunctions[upper]:
			if !call {
				errs = append(errs, fmt.Sprintf("line %d: %s without its arguments", t.line, t.text))
			}
		case t.text == upper && sqlKeywords[upper]:
		case t.text == upper:
			errs = append(errs, fmt.Sprintf("line %d: keyword or function %s is not in the portable list", t.line, t.text))
		case call:
			errs = append(errs, fmt.Sprintf("line %d: function %s is not in the portable list (or write keywords in upper case)", t.line, t.text))
		case reservedNames[upper]:
			errs = append(errs, fmt.Sprintf("line %d: name %s is a reserved keyword in Spark SQL or Trino", t.line, t.text))
		}
	}
	return errs
}

func TestReduceSQLIsPortable(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "docs", "reduce.sql"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range portabilityErrors(string(b)) {
		t.Errorf("docs/reduce.sql: %s", e)
	}
}

// The checker itself: what it must refuse, and what it must let through.
func TestPortabilityErrors(t *testing.T) {
	cases := []struct {
		name, query string
		bad         bool
	}{
		{"plain", "WITH a AS (SELECT key, COUNT(*) AS n FROM t GROUP BY key) SELECT key FROM a WHERE n >= 3", false},
		{"window", "SELECT ROW_NUMBER() OVER (PARTITION BY k ORDER BY o DESC) AS rn FROM t", false},
		{"comment", "SELECT a -- QUALIFY here is a comment: 'x\nFROM t", false},
		{"string", "SELECT 'qualify ; [1]' AS kind FROM t", false},
		{"modulus", "SELECT a - (a % 65536 + 65536) % 65536 AS b FROM t", false},
		{"qualify", "SELECT a FROM t QUALIFY ROW_NUMBER() OVER (ORDER BY a) = 1", true},
		{"duckdb cast", "SELECT a::BIGINT FROM t", true},
		{"division", "SELECT a / 2 FROM t", true},
		{"list", "SELECT [a, b] AS l FROM t", true},
		{"quoted name", `SELECT a AS "first" FROM t`, true},
		{"not equal", "SELECT a FROM t WHERE a != b", true},
		{"bit and", "SELECT a & 255 FROM t", true},
		{"engine function", "SELECT arg_min(a, b) FROM t", true},
		{"upper engine function", "SELECT HASH(a) FROM t", true},
		{"read_parquet", "SELECT * FROM read_parquet('x.parquet')", true},
		{"reserved alias", "SELECT a AS time FROM t", true},
		{"reserved table", "SELECT a FROM t AS user", true},
		{"semicolon", "SELECT a FROM t;", true},
		{"recursive", "WITH RECURSIVE r AS (SELECT 1 AS x) SELECT x FROM r", true},
		{"hex", "SELECT 0xff AS x FROM t", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			errs := portabilityErrors(c.query)
			if got := len(errs) > 0; got != c.bad {
				t.Errorf("%q: errors %v, want refused = %v", c.query, errs, c.bad)
			}
		})
	}
}
