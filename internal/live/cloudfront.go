package live

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"

	"github.com/one-origin/staticsitewithapi/pitfalls"
)

// findDistribution returns the ID of the distribution whose cloudfront.net
// domain or alternate domain name is the host of site.
func (r *reader) findDistribution(ctx context.Context, site string) (string, error) {
	host, err := siteHost(site)
	if err != nil {
		return "", err
	}
	var marker *string
	var wildcard string // a *.example.com alias that matches, if no exact one does
	seen := 0
	for page := 1; ; page++ {
		out, err := call(ctx, r, callInfo{op: fmt.Sprintf("ListDistributions (page %d)", page), action: actListDistributions},
			func(ctx context.Context) (*cloudfront.ListDistributionsOutput, error) {
				return r.cf.ListDistributions(ctx, &cloudfront.ListDistributionsInput{Marker: marker})
			})
		if err != nil {
			return "", err
		}
		list := out.DistributionList
		if list == nil {
			break
		}
		for _, d := range list.Items {
			seen++
			id := aws.ToString(d.Id)
			if strings.EqualFold(strings.TrimSuffix(aws.ToString(d.DomainName), "."), host) {
				return id, nil
			}
			if d.Aliases == nil {
				continue
			}
			for _, a := range d.Aliases.Items {
				a = strings.ToLower(strings.TrimSuffix(a, "."))
				if a == host {
					return id, nil
				}
				if rest, ok := strings.CutPrefix(a, "*."); ok && wildcard == "" {
					if _, parent, found := strings.Cut(host, "."); found && parent == rest {
						wildcard = id
					}
				}
			}
		}
		if !aws.ToBool(list.IsTruncated) || aws.ToString(list.NextMarker) == "" {
			break
		}
		marker = list.NextMarker
	}
	if wildcard != "" {
		return wildcard, nil
	}
	return "", fmt.Errorf("live: no distribution of this account has the domain or alternate domain name %s (%d distributions read with ListDistributions); "+
		"check that the credentials are for the site's account, or name the distribution by its ID", host, seen)
}

// siteHost returns the lower-case host of a site URL or bare host name.
func siteHost(site string) (string, error) {
	s := strings.TrimSpace(site)
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Hostname() == "" {
		return "", fmt.Errorf("live: %q is not a site URL; write it like https://www.example.com", site)
	}
	return strings.ToLower(strings.TrimSuffix(u.Hostname(), ".")), nil
}

// executeAPIDomain matches the default domain of a REST API:
// <restApiId>.execute-api.<region>.amazonaws.com.
var executeAPIDomain = regexp.MustCompile(`^([a-z0-9]+)\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$`)

// readDistribution adds the distribution with everything it refers to.
func (r *reader) readDistribution(ctx context.Context, id string) error {
	out, err := call(ctx, r, callInfo{op: "GetDistributionConfig " + id, action: actGetDistributionConfig},
		func(ctx context.Context) (*cloudfront.GetDistributionConfigOutput, error) {
			return r.cf.GetDistributionConfig(ctx, &cloudfront.GetDistributionConfigInput{Id: aws.String(id)})
		})
	if err != nil {
		if errorCode(err) == "NoSuchDistribution" {
			return wrapped{fmt.Sprintf("live: distribution %s does not exist in the account of these credentials (GetDistributionConfig answered NoSuchDistribution); "+
				"check the ID, or the profile", id), err}
		}
		return err
	}
	dc := out.DistributionConfig
	if dc == nil {
		return fmt.Errorf("live: GetDistributionConfig %s answered without a DistributionConfig", id)
	}
	cfg := map[string]any{"Enabled": aws.ToBool(dc.Enabled)}
	setStr(cfg, "Comment", dc.Comment)
	setStr(cfg, "DefaultRootObject", dc.DefaultRootObject)
	setStr(cfg, "WebACLId", dc.WebACLId)
	setEnum(cfg, "HttpVersion", string(dc.HttpVersion))
	setEnum(cfg, "PriceClass", string(dc.PriceClass))
	if dc.IsIPV6Enabled != nil {
		cfg["IPV6Enabled"] = *dc.IsIPV6Enabled
	}
	if dc.Aliases != nil && len(dc.Aliases.Items) > 0 {
		cfg["Aliases"] = dc.Aliases.Items
	}

	var origins []any
	if dc.Origins != nil {
		for _, o := range dc.Origins.Items {
			conv, err := r.origin(ctx, o)
			if err != nil {
				return err
			}
			origins = append(origins, conv)
		}
	}
	cfg["Origins"] = origins
	if g := originGroups(dc.OriginGroups); g != nil {
		cfg["OriginGroups"] = g
	}
	if dc.DefaultCacheBehavior != nil {
		b, err := r.behavior(ctx, id, defaultAsBehavior(dc.DefaultCacheBehavior))
		if err != nil {
			return err
		}
		cfg["DefaultCacheBehavior"] = b
	}
	if dc.CacheBehaviors != nil && len(dc.CacheBehaviors.Items) > 0 {
		var list []any
		for _, cb := range dc.CacheBehaviors.Items {
			b, err := r.behavior(ctx, id, cb)
			if err != nil {
				return err
			}
			list = append(list, b)
		}
		cfg["CacheBehaviors"] = list
	}
	if dc.CustomErrorResponses != nil && len(dc.CustomErrorResponses.Items) > 0 {
		var list []any
		for _, e := range dc.CustomErrorResponses.Items {
			m := map[string]any{"ErrorCode": aws.ToInt32(e.ErrorCode)}
			setStr(m, "ResponsePagePath", e.ResponsePagePath)
			if e.ResponseCode != nil && *e.ResponseCode != "" {
				// The API carries the status as a string, CloudFormation as a number.
				if n, err := strconv.Atoi(*e.ResponseCode); err == nil {
					m["ResponseCode"] = n
				} else {
					m["ResponseCode"] = *e.ResponseCode
				}
			}
			if e.ErrorCachingMinTTL != nil {
				m["ErrorCachingMinTTL"] = *e.ErrorCachingMinTTL
			}
			list = append(list, m)
		}
		cfg["CustomErrorResponses"] = list
	}
	r.t.add([]string{"Distribution", id}, "AWS::CloudFront::Distribution", "CloudFront/"+id,
		map[string]any{"DistributionConfig": cfg})
	return nil
}

// origin converts one origin; an execute-api origin brings its REST API
// into the template and refers to it.
func (r *reader) origin(ctx context.Context, o cftypes.Origin) (map[string]any, error) {
	domain := aws.ToString(o.DomainName)
	out := map[string]any{"Id": aws.ToString(o.Id), "DomainName": domain}
	if sub := executeAPIDomain.FindStringSubmatch(strings.ToLower(domain)); sub != nil {
		apiID, region := sub[1], sub[2]
		logical, err := r.readRestApi(ctx, apiID, region)
		if err != nil {
			return nil, err
		}
		if logical != "" {
			// The checks link an origin to a RestApi by a reference in its domain.
			out["DomainName"] = map[string]any{"Fn::Join": []any{"", []any{
				map[string]any{"Ref": logical}, strings.ToLower(domain)[len(apiID):],
			}}}
		}
	}
	if p := aws.ToString(o.OriginPath); p != "" {
		out["OriginPath"] = p
	}
	setStr(out, "OriginAccessControlId", o.OriginAccessControlId)
	setInt32(out, "ConnectionAttempts", o.ConnectionAttempts)
	setInt32(out, "ConnectionTimeout", o.ConnectionTimeout)
	setInt32(out, "ResponseCompletionTimeout", o.ResponseCompletionTimeout)
	if s3 := o.S3OriginConfig; s3 != nil {
		c := map[string]any{}
		setStr(c, "OriginAccessIdentity", s3.OriginAccessIdentity)
		setInt32(c, "OriginReadTimeout", s3.OriginReadTimeout)
		out["S3OriginConfig"] = c
	}
	if co := o.CustomOriginConfig; co != nil {
		c := map[string]any{}
		setInt32(c, "HTTPPort", co.HTTPPort)
		setInt32(c, "HTTPSPort", co.HTTPSPort)
		setEnum(c, "OriginProtocolPolicy", string(co.OriginProtocolPolicy))
		setInt32(c, "OriginReadTimeout", co.OriginReadTimeout)
		setInt32(c, "OriginKeepaliveTimeout", co.OriginKeepaliveTimeout)
		if co.OriginSslProtocols != nil && len(co.OriginSslProtocols.Items) > 0 {
			c["OriginSSLProtocols"] = enums(co.OriginSslProtocols.Items)
		}
		out["CustomOriginConfig"] = c
	}
	if v := o.VpcOriginConfig; v != nil {
		c := map[string]any{}
		setStr(c, "VpcOriginId", v.VpcOriginId)
		setInt32(c, "OriginReadTimeout", v.OriginReadTimeout)
		setInt32(c, "OriginKeepaliveTimeout", v.OriginKeepaliveTimeout)
		out["VpcOriginConfig"] = c
	}
	if h := o.CustomHeaders; h != nil && len(h.Items) > 0 {
		// Custom origin headers often carry a secret that proves the request
		// came through CloudFront; the template keeps their names only.
		var list []any
		for _, ch := range h.Items {
			list = append(list, map[string]any{"HeaderName": aws.ToString(ch.HeaderName), "HeaderValue": "(value not copied)"})
		}
		out["OriginCustomHeaders"] = list
	}
	if s := o.OriginShield; s != nil {
		c := map[string]any{"Enabled": aws.ToBool(s.Enabled)}
		setStr(c, "OriginShieldRegion", s.OriginShieldRegion)
		out["OriginShield"] = c
	}
	return out, nil
}

// originGroups keeps CloudFormation's Quantity/Items shape, which is also
// the API's.
func originGroups(g *cftypes.OriginGroups) map[string]any {
	if g == nil || len(g.Items) == 0 {
		return nil
	}
	var items []any
	for _, og := range g.Items {
		var members []any
		if og.Members != nil {
			for _, m := range og.Members.Items {
				members = append(members, map[string]any{"OriginId": aws.ToString(m.OriginId)})
			}
		}
		item := map[string]any{
			"Id":      aws.ToString(og.Id),
			"Members": map[string]any{"Quantity": len(members), "Items": members},
		}
		if fc := og.FailoverCriteria; fc != nil && fc.StatusCodes != nil {
			item["FailoverCriteria"] = map[string]any{"StatusCodes": map[string]any{
				"Quantity": len(fc.StatusCodes.Items), "Items": fc.StatusCodes.Items,
			}}
		}
		setEnum(item, "SelectionCriteria", string(og.SelectionCriteria))
		items = append(items, item)
	}
	return map[string]any{"Quantity": len(items), "Items": items}
}

// defaultAsBehavior gives the default behavior the shape of the others
// (the API has two types with the same fields, minus the path pattern).
func defaultAsBehavior(d *cftypes.DefaultCacheBehavior) cftypes.CacheBehavior {
	return cftypes.CacheBehavior{
		TargetOriginId: d.TargetOriginId, ViewerProtocolPolicy: d.ViewerProtocolPolicy, AllowedMethods: d.AllowedMethods,
		CachePolicyId: d.CachePolicyId, Compress: d.Compress, DefaultTTL: d.DefaultTTL, FieldLevelEncryptionId: d.FieldLevelEncryptionId,
		ForwardedValues: d.ForwardedValues, FunctionAssociations: d.FunctionAssociations, GrpcConfig: d.GrpcConfig,
		LambdaFunctionAssociations: d.LambdaFunctionAssociations, MaxTTL: d.MaxTTL, MinTTL: d.MinTTL,
		OriginRequestPolicyId: d.OriginRequestPolicyId, RealtimeLogConfigArn: d.RealtimeLogConfigArn,
		ResponseHeadersPolicyId: d.ResponseHeadersPolicyId, SmoothStreaming: d.SmoothStreaming,
		TrustedKeyGroups: d.TrustedKeyGroups, TrustedSigners: d.TrustedSigners,
	}
}

// behavior converts one cache behavior (the default one has no PathPattern).
func (r *reader) behavior(ctx context.Context, distID string, b cftypes.CacheBehavior) (map[string]any, error) {
	out := map[string]any{"TargetOriginId": aws.ToString(b.TargetOriginId)}
	setStr(out, "PathPattern", b.PathPattern)
	setEnum(out, "ViewerProtocolPolicy", string(b.ViewerProtocolPolicy))
	if am := b.AllowedMethods; am != nil {
		out["AllowedMethods"] = enums(am.Items)
		if am.CachedMethods != nil {
			out["CachedMethods"] = enums(am.CachedMethods.Items)
		}
	}
	if b.Compress != nil {
		out["Compress"] = *b.Compress
	}
	setStr(out, "FieldLevelEncryptionId", b.FieldLevelEncryptionId)
	setStr(out, "RealtimeLogConfigArn", b.RealtimeLogConfigArn)
	if b.SmoothStreaming != nil && *b.SmoothStreaming {
		out["SmoothStreaming"] = true
	}
	if id := aws.ToString(b.CachePolicyId); id != "" {
		ref, err := r.cachePolicy(ctx, id)
		if err != nil {
			return nil, err
		}
		out["CachePolicyId"] = ref
	} else {
		// Legacy cache settings count only without a cache policy.
		setInt64(out, "MinTTL", b.MinTTL)
		setInt64(out, "DefaultTTL", b.DefaultTTL)
		setInt64(out, "MaxTTL", b.MaxTTL)
		if fv := forwardedValues(b.ForwardedValues); fv != nil {
			out["ForwardedValues"] = fv
		}
	}
	if id := aws.ToString(b.OriginRequestPolicyId); id != "" {
		ref, err := r.originRequestPolicy(ctx, id)
		if err != nil {
			return nil, err
		}
		out["OriginRequestPolicyId"] = ref
	}
	if id := aws.ToString(b.ResponseHeadersPolicyId); id != "" {
		ref, err := r.responseHeadersPolicy(ctx, id)
		if err != nil {
			return nil, err
		}
		out["ResponseHeadersPolicyId"] = ref
	}
	if fa := b.FunctionAssociations; fa != nil && len(fa.Items) > 0 {
		var list []any
		for _, a := range fa.Items {
			arn, err := r.function(ctx, aws.ToString(a.FunctionARN))
			if err != nil {
				return nil, err
			}
			list = append(list, map[string]any{"EventType": string(a.EventType), "FunctionARN": arn})
		}
		out["FunctionAssociations"] = list
	}
	if la := b.LambdaFunctionAssociations; la != nil && len(la.Items) > 0 {
		var list []any
		for _, a := range la.Items {
			m := map[string]any{"EventType": string(a.EventType), "LambdaFunctionARN": aws.ToString(a.LambdaFunctionARN)}
			if a.IncludeBody != nil {
				m["IncludeBody"] = *a.IncludeBody
			}
			list = append(list, m)
		}
		out["LambdaFunctionAssociations"] = list
	}
	if tk := b.TrustedKeyGroups; tk != nil && aws.ToBool(tk.Enabled) {
		out["TrustedKeyGroups"] = tk.Items
	}
	if ts := b.TrustedSigners; ts != nil && aws.ToBool(ts.Enabled) {
		out["TrustedSigners"] = ts.Items
	}
	return out, nil
}

func forwardedValues(fv *cftypes.ForwardedValues) map[string]any {
	if fv == nil {
		return nil
	}
	out := map[string]any{"QueryString": aws.ToBool(fv.QueryString)}
	if fv.Headers != nil && len(fv.Headers.Items) > 0 {
		out["Headers"] = fv.Headers.Items
	}
	if c := fv.Cookies; c != nil {
		cookies := map[string]any{"Forward": string(c.Forward)}
		if c.WhitelistedNames != nil && len(c.WhitelistedNames.Items) > 0 {
			cookies["WhitelistedNames"] = c.WhitelistedNames.Items
		}
		out["Cookies"] = cookies
	}
	if q := fv.QueryStringCacheKeys; q != nil && len(q.Items) > 0 {
		out["QueryStringCacheKeys"] = q.Items
	}
	return out
}

// policyRef is how a behavior refers to a policy. A policy ID that package
// pitfalls knows stays an ID: the checks judge managed policies by name.
// Any other (a managed policy pitfalls does not list included) becomes a
// Ref to an AWS::CloudFront::<resource>, made once per policy from what
// read returns (the policy's name and the resource's properties), so the
// checks judge it by what it configures.
func (r *reader) policyRef(kind pitfalls.PolicyKind, resource, id string, read func() (name *string, props map[string]any, err error)) (any, error) {
	if _, managed := pitfalls.PolicyName(kind, id); managed {
		return id, nil
	}
	key := string(kind) + " " + id
	if logical, done := r.policies[key]; done {
		return ref(logical), nil
	}
	name, props, err := read()
	if err != nil {
		return nil, err
	}
	logical := r.t.add([]string{resource, id}, "AWS::CloudFront::"+resource, policyName(name, id), props)
	r.policies[key] = logical
	return ref(logical), nil
}

func (r *reader) cachePolicy(ctx context.Context, id string) (any, error) {
	return r.policyRef(pitfalls.CachePolicy, "CachePolicy", id, func() (*string, map[string]any, error) {
		out, err := call(ctx, r, callInfo{op: "GetCachePolicy " + id, action: actGetCachePolicy},
			func(ctx context.Context) (*cloudfront.GetCachePolicyOutput, error) {
				return r.cf.GetCachePolicy(ctx, &cloudfront.GetCachePolicyInput{Id: aws.String(id)})
			})
		if err != nil {
			return nil, nil, err
		}
		if out.CachePolicy == nil || out.CachePolicy.CachePolicyConfig == nil {
			return nil, nil, fmt.Errorf("live: GetCachePolicy %s answered without a CachePolicyConfig", id)
		}
		c := out.CachePolicy.CachePolicyConfig
		cfg := map[string]any{"Name": aws.ToString(c.Name)}
		setStr(cfg, "Comment", c.Comment)
		setInt64(cfg, "MinTTL", c.MinTTL)
		setInt64(cfg, "DefaultTTL", c.DefaultTTL)
		setInt64(cfg, "MaxTTL", c.MaxTTL)
		if p := c.ParametersInCacheKeyAndForwardedToOrigin; p != nil {
			params := map[string]any{
				"EnableAcceptEncodingGzip":   aws.ToBool(p.EnableAcceptEncodingGzip),
				"EnableAcceptEncodingBrotli": aws.ToBool(p.EnableAcceptEncodingBrotli),
			}
			if h := p.HeadersConfig; h != nil {
				params["HeadersConfig"] = withItems(map[string]any{"HeaderBehavior": string(h.HeaderBehavior)}, "Headers", headerNames(h.Headers))
			}
			if ck := p.CookiesConfig; ck != nil {
				params["CookiesConfig"] = withItems(map[string]any{"CookieBehavior": string(ck.CookieBehavior)}, "Cookies", cookieNames(ck.Cookies))
			}
			if q := p.QueryStringsConfig; q != nil {
				params["QueryStringsConfig"] = withItems(map[string]any{"QueryStringBehavior": string(q.QueryStringBehavior)}, "QueryStrings", queryNames(q.QueryStrings))
			}
			cfg["ParametersInCacheKeyAndForwardedToOrigin"] = params
		}
		return c.Name, map[string]any{"CachePolicyConfig": cfg}, nil
	})
}

func (r *reader) originRequestPolicy(ctx context.Context, id string) (any, error) {
	return r.policyRef(pitfalls.OriginRequestPolicy, "OriginRequestPolicy", id, func() (*string, map[string]any, error) {
		out, err := call(ctx, r, callInfo{op: "GetOriginRequestPolicy " + id, action: actGetOriginRequestPolicy},
			func(ctx context.Context) (*cloudfront.GetOriginRequestPolicyOutput, error) {
				return r.cf.GetOriginRequestPolicy(ctx, &cloudfront.GetOriginRequestPolicyInput{Id: aws.String(id)})
			})
		if err != nil {
			return nil, nil, err
		}
		if out.OriginRequestPolicy == nil || out.OriginRequestPolicy.OriginRequestPolicyConfig == nil {
			return nil, nil, fmt.Errorf("live: GetOriginRequestPolicy %s answered without an OriginRequestPolicyConfig", id)
		}
		c := out.OriginRequestPolicy.OriginRequestPolicyConfig
		cfg := map[string]any{"Name": aws.ToString(c.Name)}
		setStr(cfg, "Comment", c.Comment)
		if h := c.HeadersConfig; h != nil {
			cfg["HeadersConfig"] = withItems(map[string]any{"HeaderBehavior": string(h.HeaderBehavior)}, "Headers", headerNames(h.Headers))
		}
		if ck := c.CookiesConfig; ck != nil {
			cfg["CookiesConfig"] = withItems(map[string]any{"CookieBehavior": string(ck.CookieBehavior)}, "Cookies", cookieNames(ck.Cookies))
		}
		if q := c.QueryStringsConfig; q != nil {
			cfg["QueryStringsConfig"] = withItems(map[string]any{"QueryStringBehavior": string(q.QueryStringBehavior)}, "QueryStrings", queryNames(q.QueryStrings))
		}
		return c.Name, map[string]any{"OriginRequestPolicyConfig": cfg}, nil
	})
}

func (r *reader) responseHeadersPolicy(ctx context.Context, id string) (any, error) {
	return r.policyRef(pitfalls.ResponseHeadersPolicy, "ResponseHeadersPolicy", id, func() (*string, map[string]any, error) {
		out, err := call(ctx, r, callInfo{op: "GetResponseHeadersPolicy " + id, action: actGetResponseHeadersPolicy},
			func(ctx context.Context) (*cloudfront.GetResponseHeadersPolicyOutput, error) {
				return r.cf.GetResponseHeadersPolicy(ctx, &cloudfront.GetResponseHeadersPolicyInput{Id: aws.String(id)})
			})
		if err != nil {
			return nil, nil, err
		}
		if out.ResponseHeadersPolicy == nil || out.ResponseHeadersPolicy.ResponseHeadersPolicyConfig == nil {
			return nil, nil, fmt.Errorf("live: GetResponseHeadersPolicy %s answered without a ResponseHeadersPolicyConfig", id)
		}
		c := out.ResponseHeadersPolicy.ResponseHeadersPolicyConfig
		cfg := map[string]any{"Name": aws.ToString(c.Name)}
		setStr(cfg, "Comment", c.Comment)
		if cors := c.CorsConfig; cors != nil {
			m := map[string]any{
				"AccessControlAllowCredentials": aws.ToBool(cors.AccessControlAllowCredentials),
				"OriginOverride":                aws.ToBool(cors.OriginOverride),
			}
			if v := cors.AccessControlAllowHeaders; v != nil {
				m["AccessControlAllowHeaders"] = map[string]any{"Items": v.Items}
			}
			if v := cors.AccessControlAllowMethods; v != nil {
				m["AccessControlAllowMethods"] = map[string]any{"Items": enums(v.Items)}
			}
			if v := cors.AccessControlAllowOrigins; v != nil {
				m["AccessControlAllowOrigins"] = map[string]any{"Items": v.Items}
			}
			if v := cors.AccessControlExposeHeaders; v != nil && len(v.Items) > 0 {
				m["AccessControlExposeHeaders"] = map[string]any{"Items": v.Items}
			}
			setInt32(m, "AccessControlMaxAgeSec", cors.AccessControlMaxAgeSec)
			cfg["CorsConfig"] = m
		}
		if ch := c.CustomHeadersConfig; ch != nil && len(ch.Items) > 0 {
			var items []any
			for _, h := range ch.Items {
				items = append(items, map[string]any{"Header": aws.ToString(h.Header), "Value": aws.ToString(h.Value), "Override": aws.ToBool(h.Override)})
			}
			cfg["CustomHeadersConfig"] = map[string]any{"Items": items}
		}
		if rh := c.RemoveHeadersConfig; rh != nil && len(rh.Items) > 0 {
			var items []any
			for _, h := range rh.Items {
				items = append(items, map[string]any{"Header": aws.ToString(h.Header)})
			}
			cfg["RemoveHeadersConfig"] = map[string]any{"Items": items}
		}
		if sh := securityHeaders(c.SecurityHeadersConfig); sh != nil {
			cfg["SecurityHeadersConfig"] = sh
		}
		return c.Name, map[string]any{"ResponseHeadersPolicyConfig": cfg}, nil
	})
}

// securityHeaders copies the security headers that are set; none of the
// checks reads them, but a reader of the template may.
func securityHeaders(s *cftypes.ResponseHeadersPolicySecurityHeadersConfig) map[string]any {
	if s == nil {
		return nil
	}
	out := map[string]any{}
	if h := s.StrictTransportSecurity; h != nil {
		m := map[string]any{"Override": aws.ToBool(h.Override), "AccessControlMaxAgeSec": aws.ToInt32(h.AccessControlMaxAgeSec)}
		if h.IncludeSubdomains != nil {
			m["IncludeSubdomains"] = *h.IncludeSubdomains
		}
		if h.Preload != nil {
			m["Preload"] = *h.Preload
		}
		out["StrictTransportSecurity"] = m
	}
	if h := s.ContentTypeOptions; h != nil {
		out["ContentTypeOptions"] = map[string]any{"Override": aws.ToBool(h.Override)}
	}
	if h := s.ContentSecurityPolicy; h != nil {
		out["ContentSecurityPolicy"] = map[string]any{"Override": aws.ToBool(h.Override), "ContentSecurityPolicy": aws.ToString(h.ContentSecurityPolicy)}
	}
	if h := s.FrameOptions; h != nil {
		out["FrameOptions"] = map[string]any{"Override": aws.ToBool(h.Override), "FrameOption": string(h.FrameOption)}
	}
	if h := s.ReferrerPolicy; h != nil {
		out["ReferrerPolicy"] = map[string]any{"Override": aws.ToBool(h.Override), "ReferrerPolicy": string(h.ReferrerPolicy)}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// function adds the CloudFront Function an association names, with the
// code of its LIVE stage, and returns how the association refers to it.
func (r *reader) function(ctx context.Context, arn string) (any, error) {
	if logical, done := r.funcs[arn]; done {
		return getAtt(logical, "FunctionARN"), nil
	}
	_, name, found := strings.Cut(arn, ":function/")
	if !found || name == "" {
		r.t.note("function association %s is not a CloudFront Function ARN; kept as it is", arn)
		return arn, nil
	}
	desc, err := call(ctx, r, callInfo{op: "DescribeFunction " + name + " (LIVE)", action: actDescribeFunction},
		func(ctx context.Context) (*cloudfront.DescribeFunctionOutput, error) {
			return r.cf.DescribeFunction(ctx, &cloudfront.DescribeFunctionInput{Name: aws.String(name), Stage: cftypes.FunctionStageLive})
		})
	if err != nil {
		return nil, err
	}
	code, err := call(ctx, r, callInfo{op: "GetFunction " + name + " (LIVE)", action: actGetFunction},
		func(ctx context.Context) (*cloudfront.GetFunctionOutput, error) {
			return r.cf.GetFunction(ctx, &cloudfront.GetFunctionInput{Name: aws.String(name), Stage: cftypes.FunctionStageLive})
		})
	if err != nil {
		return nil, err
	}
	fc := map[string]any{}
	if s := desc.FunctionSummary; s != nil && s.FunctionConfig != nil {
		fc["Comment"] = aws.ToString(s.FunctionConfig.Comment)
		setEnum(fc, "Runtime", string(s.FunctionConfig.Runtime))
	}
	logical := r.t.add([]string{"Function", name}, "AWS::CloudFront::Function", "CloudFront/"+name, map[string]any{
		"Name":           name,
		"AutoPublish":    true,
		"FunctionConfig": fc,
		"FunctionCode":   string(code.FunctionCode),
	})
	r.funcs[arn] = logical
	return getAtt(logical, "FunctionARN"), nil
}

// policyName names a custom policy for messages, which say its kind:
// "cache policy CloudFront/ShopSite-ApiCache".
func policyName(name *string, id string) string {
	if n := aws.ToString(name); n != "" {
		return "CloudFront/" + n
	}
	return "CloudFront/" + id
}

// ---- small helpers ----------------------------------------------------------

func ref(logical string) map[string]any { return map[string]any{"Ref": logical} }

func getAtt(logical, attr string) map[string]any {
	return map[string]any{"Fn::GetAtt": []any{logical, attr}}
}

func setStr(m map[string]any, key string, v *string) {
	if v != nil && *v != "" {
		m[key] = *v
	}
}

func setEnum(m map[string]any, key, v string) {
	if v != "" {
		m[key] = v
	}
}

func setInt32(m map[string]any, key string, v *int32) {
	if v != nil {
		m[key] = *v
	}
}

func setInt64(m map[string]any, key string, v *int64) {
	if v != nil {
		m[key] = *v
	}
}

// enums turns a list of SDK enum values into strings.
func enums[E ~string](items []E) []string {
	out := make([]string, len(items))
	for i, e := range items {
		out[i] = string(e)
	}
	return out
}

func withItems(m map[string]any, key string, items []string) map[string]any {
	if len(items) > 0 {
		m[key] = items
	}
	return m
}

func headerNames(h *cftypes.Headers) []string {
	if h == nil {
		return nil
	}
	return h.Items
}

func cookieNames(c *cftypes.CookieNames) []string {
	if c == nil {
		return nil
	}
	return c.Items
}

func queryNames(q *cftypes.QueryStringNames) []string {
	if q == nil {
		return nil
	}
	return q.Items
}
