import Hummingbird

/// Answers 405 `METHOD_NOT_ALLOWED` (RFC 9110 §15.5.6) with an `Allow` header listing the
/// methods a path supports, when the path exists but not for the request's method; Hummingbird's
/// router alone answers 404 then. A path no route matches stays 404.
///
/// Add it to a router after its routes (it reads ``Router/routes``) and inside
/// ``ProblemDetailsMiddleware``, so the answer is `application/problem+json`.
public struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Each route's path segments (`nil` for a parameter) and its method.
    let routes: [(segments: [Substring?], method: HTTPRequest.Method)]

    /// - Parameter routes: the router's routes, from `router.routes`.
    public init(routes: [Router<Context>.RouteDescription]) {
        self.routes = routes.map { route in
            let segments = route.path.description.split(separator: "/").map { segment -> Substring? in
                segment.hasPrefix(":") || segment.hasPrefix("{") ? nil : segment
            }
            return (segments, route.method)
        }
    }

    /// The methods routed for `path`. A path that names a route segment for segment
    /// (`/api/crm/leads/adf`) is that route's alone: the router prefers the constant segment to a
    /// parameter (`/api/crm/leads/{id}`), so the parameter route's methods do not reach it.
    func allowedMethods(for path: String) -> [HTTPRequest.Method] {
        let parts = path.split(separator: "/")
        let matching = routes.filter { route in
            route.segments.count == parts.count && zip(route.segments, parts).allSatisfy { pattern, part in pattern == nil || pattern == part }
        }
        let exact = matching.filter { $0.segments.allSatisfy { $0 != nil } }
        let methods = Set((exact.isEmpty ? matching : exact).map(\.method.rawValue))
        return methods.sorted().compactMap { HTTPRequest.Method($0) }
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = allowedMethods(for: request.uri.path)
            guard !allowed.isEmpty, !allowed.contains(request.method) else { throw error }
            var response = try ProblemDetails(.methodNotAllowed, code: "METHOD_NOT_ALLOWED",
                                              detail: "\(request.method) is not supported here; allowed: \(allowed.map(\.rawValue).joined(separator: ", "))")
                .response(from: request, context: context)
            response.headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
            return response
        }
    }
}
