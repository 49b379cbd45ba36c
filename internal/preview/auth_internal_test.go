package preview

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestVerifyClaims signs tokens with the issuer's own key, so each claim
// check is the only reason for a refusal (the black-box tests cannot
// reach the key; they cover forged signatures and algorithms).
func TestVerifyClaims(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	a := newIssuer(AuthOptions{Now: func() time.Time { return now }}, "/api", nil)
	const iss = "http://127.0.0.1:8080" + AuthPath
	valid := func() map[string]any {
		return map[string]any{
			"iss": iss, "aud": DefaultClientId, "token_use": "id", "sub": "s", "email": "e@example.com",
			"email_verified": true, "iat": now.Unix(), "auth_time": now.Unix(), "exp": now.Add(time.Hour).Unix(),
		}
	}
	claims, err := a.verify(a.sign(valid()), iss)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{
		"iss": iss, "aud": DefaultClientId, "token_use": "id", "sub": "s", "email": "e@example.com",
		"email_verified": "true",
		"iat":            "Tue Nov 14 22:13:20 UTC 2023",
		"auth_time":      "Tue Nov 14 22:13:20 UTC 2023",
		"exp":            "Tue Nov 14 23:13:20 UTC 2023",
	}, claims, "string values, dates as API Gateway's Cognito authorizer formats them")

	for name, tc := range map[string]struct {
		key   string
		value any
		want  string
	}{
		"other issuer":   {"iss", "https://cognito-idp.ap-southeast-2.amazonaws.com/pool", "iss"},
		"other audience": {"aud", "other-client", "aud"},
		"audience list":  {"aud", []string{DefaultClientId}, "aud"},
		"access token":   {"token_use", "access", "token_use"},
		"no token_use":   {"token_use", nil, "token_use"},
		"no exp":         {"exp", nil, "exp"},
		"exp a string":   {"exp", "tomorrow", "exp"},
		"expired now":    {"exp", now.Unix(), "expired"},
	} {
		t.Run(name, func(t *testing.T) {
			c := valid()
			if tc.value == nil {
				delete(c, tc.key)
			} else {
				c[tc.key] = tc.value
			}
			_, err := a.verify(a.sign(c), iss)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}

	// A key from an earlier start of the preview: sign in again.
	b := newIssuer(AuthOptions{Now: func() time.Time { return now }}, "/api", nil)
	_, err = a.verify(b.sign(valid()), iss)
	assert.ErrorContains(t, err, "kid")
}
