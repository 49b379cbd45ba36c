package live

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	agtypes "github.com/aws/aws-sdk-go-v2/service/apigateway/types"
)

// apiARN is the ARN API Gateway authorizes a read of path under (IAM
// action apigateway:GET).
func apiARN(region, path string) string {
	return "arn:aws:apigateway:" + region + "::" + path
}

// readRestApi adds the REST API apiID of region with its resources,
// methods, stages and customized gateway responses, and returns its
// logical ID; "" when the API does not exist (the origin then keeps its
// literal domain, which the checks still see as API Gateway).
func (r *reader) readRestApi(ctx context.Context, apiID, region string) (string, error) {
	if logical, done := r.apis[apiID]; done {
		return logical, nil
	}
	c := r.apiGateway(region)
	base := "/restapis/" + apiID
	api, err := call(ctx, r, callInfo{op: "GetRestApi " + apiID, action: actApiGatewayGet, resource: apiARN(region, base)},
		func(ctx context.Context) (*apigateway.GetRestApiOutput, error) {
			return c.GetRestApi(ctx, &apigateway.GetRestApiInput{RestApiId: aws.String(apiID)})
		})
	if err != nil {
		if errorCode(err) == "NotFoundException" {
			r.t.note("REST API %s (%s) behind an execute-api origin does not exist in this account; its origin keeps its literal domain", apiID, region)
			r.apis[apiID] = ""
			return "", nil
		}
		return "", err
	}
	props := map[string]any{"Name": aws.ToString(api.Name)}
	setStr(props, "Description", api.Description)
	if ec := api.EndpointConfiguration; ec != nil && len(ec.Types) > 0 {
		props["EndpointConfiguration"] = map[string]any{"Types": enums(ec.Types)}
	}
	if api.DisableExecuteApiEndpoint {
		props["DisableExecuteApiEndpoint"] = true
	}
	setInt32(props, "MinimumCompressionSize", api.MinimumCompressionSize)
	if p := aws.ToString(api.Policy); p != "" {
		// The API returns the resource policy as escaped JSON text.
		var doc any
		if err := json.Unmarshal([]byte(strings.ReplaceAll(p, `\"`, `"`)), &doc); err == nil {
			props["Policy"] = doc
		} else {
			props["Policy"] = p
		}
	}
	// Messages say "API <name>": ApiGateway/shop (a1b2c3d4e5).
	apiName := "ApiGateway/" + apiID
	if n := aws.ToString(api.Name); n != "" {
		apiName = "ApiGateway/" + n + " (" + apiID + ")"
	}
	logical := r.t.add([]string{"RestApi", apiID}, "AWS::ApiGateway::RestApi", apiName, props)
	r.apis[apiID] = logical
	apiRef := ref(logical)

	// Resources, with their methods named (embed=methods); each method is
	// then read on its own, which always carries the whole integration.
	var resources []agtypes.Resource
	var position *string
	for page := 1; ; page++ {
		out, err := call(ctx, r, callInfo{op: fmt.Sprintf("GetResources %s (page %d)", apiID, page), action: actApiGatewayGet, resource: apiARN(region, base+"/resources")},
			func(ctx context.Context) (*apigateway.GetResourcesOutput, error) {
				return c.GetResources(ctx, &apigateway.GetResourcesInput{
					RestApiId: aws.String(apiID), Embed: []string{"methods"}, Limit: aws.Int32(500), Position: position,
				})
			})
		if err != nil {
			return "", err
		}
		resources = append(resources, out.Items...)
		if aws.ToString(out.Position) == "" || len(out.Items) == 0 {
			break
		}
		position = out.Position
	}
	slices.SortFunc(resources, func(a, b agtypes.Resource) int { return strings.Compare(aws.ToString(a.Path), aws.ToString(b.Path)) })

	// The root resource is the API's RootResourceId; the others are
	// AWS::ApiGateway::Resource with their parent, so the checks can
	// rebuild every path.
	refs := map[string]any{}
	for _, res := range resources {
		if res.ParentId == nil {
			refs[aws.ToString(res.Id)] = getAtt(logical, "RootResourceId")
		}
	}
	for len(refs) < len(resources) {
		added := false
		for _, res := range resources {
			id := aws.ToString(res.Id)
			if refs[id] != nil {
				continue
			}
			parent := refs[aws.ToString(res.ParentId)]
			if parent == nil {
				continue
			}
			refs[id] = ref(r.t.add([]string{"RestApi", apiID, "Resource", id}, "AWS::ApiGateway::Resource",
				apiName+"/resource "+aws.ToString(res.Path),
				map[string]any{"RestApiId": apiRef, "ParentId": parent, "PathPart": aws.ToString(res.PathPart)}))
			added = true
		}
		if !added {
			return "", fmt.Errorf("live: GetResources %s: resources whose parent is not among them (the API changed while being read?); try again", apiID)
		}
	}

	for _, res := range resources {
		resID := aws.ToString(res.Id)
		methods := make([]string, 0, len(res.ResourceMethods))
		for m := range res.ResourceMethods {
			methods = append(methods, m)
		}
		slices.Sort(methods)
		for _, httpMethod := range methods {
			m, err := call(ctx, r, callInfo{
				op:     fmt.Sprintf("GetMethod %s %s %s", apiID, httpMethod, aws.ToString(res.Path)),
				action: actApiGatewayGet, resource: apiARN(region, base+"/resources/"+resID+"/methods/"+httpMethod),
			}, func(ctx context.Context) (*apigateway.GetMethodOutput, error) {
				return c.GetMethod(ctx, &apigateway.GetMethodInput{RestApiId: aws.String(apiID), ResourceId: aws.String(resID), HttpMethod: aws.String(httpMethod)})
			})
			if err != nil {
				return "", err
			}
			r.t.add([]string{"RestApi", apiID, "Method", resID, httpMethod}, "AWS::ApiGateway::Method",
				fmt.Sprintf("%s/%s %s", apiName, httpMethod, aws.ToString(res.Path)),
				methodProps(apiRef, refs[resID], httpMethod, m))
		}
	}

	stages, err := call(ctx, r, callInfo{op: "GetStages " + apiID, action: actApiGatewayGet, resource: apiARN(region, base+"/stages")},
		func(ctx context.Context) (*apigateway.GetStagesOutput, error) {
			return c.GetStages(ctx, &apigateway.GetStagesInput{RestApiId: aws.String(apiID)})
		})
	if err != nil {
		return "", err
	}
	items := stages.Item
	slices.SortFunc(items, func(a, b agtypes.Stage) int {
		return strings.Compare(aws.ToString(a.StageName), aws.ToString(b.StageName))
	})
	for _, s := range items {
		props := map[string]any{"RestApiId": apiRef, "StageName": aws.ToString(s.StageName)}
		setStr(props, "DeploymentId", s.DeploymentId)
		stage := r.t.add([]string{"RestApi", apiID, "Stage", aws.ToString(s.StageName)}, "AWS::ApiGateway::Stage",
			apiName+"/stage "+aws.ToString(s.StageName), props)
		if acl := aws.ToString(s.WebAclArn); acl != "" {
			// GetStages names the stage's WAFv2 web ACL; a template says it
			// with an association whose ResourceArn refers to the stage.
			r.t.add([]string{"RestApi", apiID, "Stage", aws.ToString(s.StageName), "WebACLAssociation"}, "AWS::WAFv2::WebACLAssociation",
				apiName+"/stage "+aws.ToString(s.StageName)+"/web acl", map[string]any{
					"WebACLArn": acl,
					"ResourceArn": map[string]any{"Fn::Join": []any{"", []any{
						"arn:aws:apigateway:" + region + "::/restapis/", apiRef, "/stages/", ref(stage),
					}}},
				})
		}
	}

	// Gateway responses: API Gateway lists its defaults too; only the
	// customized ones are resources of a template.
	var responses []agtypes.GatewayResponse
	position = nil
	for page := 1; ; page++ {
		out, err := call(ctx, r, callInfo{op: fmt.Sprintf("GetGatewayResponses %s (page %d)", apiID, page), action: actApiGatewayGet, resource: apiARN(region, base+"/gatewayresponses")},
			func(ctx context.Context) (*apigateway.GetGatewayResponsesOutput, error) {
				return c.GetGatewayResponses(ctx, &apigateway.GetGatewayResponsesInput{RestApiId: aws.String(apiID), Limit: aws.Int32(500), Position: position})
			})
		if err != nil {
			return "", err
		}
		responses = append(responses, out.Items...)
		if aws.ToString(out.Position) == "" || len(out.Items) == 0 {
			break
		}
		position = out.Position
	}
	slices.SortFunc(responses, func(a, b agtypes.GatewayResponse) int {
		return strings.Compare(string(a.ResponseType), string(b.ResponseType))
	})
	for _, g := range responses {
		if g.DefaultResponse {
			continue
		}
		props := map[string]any{"RestApiId": apiRef, "ResponseType": string(g.ResponseType)}
		setStr(props, "StatusCode", g.StatusCode)
		if len(g.ResponseParameters) > 0 {
			props["ResponseParameters"] = g.ResponseParameters
		}
		if len(g.ResponseTemplates) > 0 {
			props["ResponseTemplates"] = g.ResponseTemplates
		}
		r.t.add([]string{"RestApi", apiID, "GatewayResponse", string(g.ResponseType)}, "AWS::ApiGateway::GatewayResponse",
			apiName+"/"+string(g.ResponseType), props)
	}
	return logical, nil
}

// methodProps converts GetMethod's answer to AWS::ApiGateway::Method: the
// API keys method and integration responses by status code, CloudFormation
// lists them.
func methodProps(apiRef, resourceRef any, httpMethod string, m *apigateway.GetMethodOutput) map[string]any {
	props := map[string]any{
		"RestApiId":         apiRef,
		"ResourceId":        resourceRef,
		"HttpMethod":        httpMethod,
		"AuthorizationType": aws.ToString(m.AuthorizationType),
		"ApiKeyRequired":    aws.ToBool(m.ApiKeyRequired),
	}
	setStr(props, "AuthorizerId", m.AuthorizerId)
	setStr(props, "OperationName", m.OperationName)
	if len(m.AuthorizationScopes) > 0 {
		props["AuthorizationScopes"] = m.AuthorizationScopes
	}
	if len(m.RequestParameters) > 0 {
		props["RequestParameters"] = m.RequestParameters
	}
	var responses []any
	for _, code := range sortedKeys(m.MethodResponses) {
		mr := m.MethodResponses[code]
		item := map[string]any{"StatusCode": code}
		if len(mr.ResponseParameters) > 0 {
			item["ResponseParameters"] = mr.ResponseParameters
		}
		if len(mr.ResponseModels) > 0 {
			item["ResponseModels"] = mr.ResponseModels
		}
		responses = append(responses, item)
	}
	if len(responses) > 0 {
		props["MethodResponses"] = responses
	}
	if in := m.MethodIntegration; in != nil {
		integ := map[string]any{"Type": string(in.Type)}
		setStr(integ, "IntegrationHttpMethod", in.HttpMethod)
		setStr(integ, "Uri", in.Uri)
		setStr(integ, "ConnectionId", in.ConnectionId)
		setEnum(integ, "ConnectionType", string(in.ConnectionType))
		setStr(integ, "PassthroughBehavior", in.PassthroughBehavior)
		if in.TimeoutInMillis > 0 {
			integ["TimeoutInMillis"] = in.TimeoutInMillis
		}
		if len(in.RequestParameters) > 0 {
			integ["RequestParameters"] = in.RequestParameters
		}
		if len(in.RequestTemplates) > 0 {
			integ["RequestTemplates"] = in.RequestTemplates
		}
		var irs []any
		for _, code := range sortedKeys(in.IntegrationResponses) {
			ir := in.IntegrationResponses[code]
			item := map[string]any{"StatusCode": code}
			setStr(item, "SelectionPattern", ir.SelectionPattern)
			if len(ir.ResponseParameters) > 0 {
				item["ResponseParameters"] = ir.ResponseParameters
			}
			if len(ir.ResponseTemplates) > 0 {
				item["ResponseTemplates"] = ir.ResponseTemplates
			}
			irs = append(irs, item)
		}
		if len(irs) > 0 {
			integ["IntegrationResponses"] = irs
		}
		props["Integration"] = integ
	}
	return props
}

// sortedKeys are m's keys in order: output that does not depend on map
// order.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
