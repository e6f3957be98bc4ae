import Foundation
import HTTPTypes
import Hummingbird
import RooftopHTTP

/// Keeps a hostile web page open in a staff browser away from the staff API
/// (`sync-protocol/sync-exchange.md#staff-api-and-the-browser`):
/// - `Host` must name this node (``APIHostPolicy``), else 421 `HOST_NOT_ALLOWED`: defeats DNS
///   rebinding, where another site's name resolves to this node and its page reads the answers.
/// - A state-changing request (`POST`, `PUT`, `PATCH`, `DELETE`) from a browser must come from this
///   node's own origin: an `Origin` other than `http(s)://<Host>`, or `Sec-Fetch-Site: cross-site` or
///   `same-site`, is refused with 403 `CROSS_ORIGIN`. Requests without these headers (the CLI, curl,
///   scripts) are not from a browser page and pass.
/// - A request body must be JSON (`application/json`; `application/merge-patch+json` for `PATCH`;
///   `text/csv` for the customer import; XML, text or a form for an ADF lead post),
///   else 415 `UNSUPPORTED_MEDIA_TYPE`: an HTML form or a "simple" cross-site `fetch` can send only
///   `text/plain`, form or multipart bodies without the browser asking this node first (CORS preflight).
/// Every refusal is an RFC 9457 problem; nothing is read or written.
public struct BrowserGuardMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The host names this node answers to.
    public let policy: APIHostPolicy

    /// - Parameter policy: the node's own host names (``APIHostPolicy``).
    public init(policy: APIHostPolicy) { self.policy = policy }

    static var stateChanging: Set<HTTPRequest.Method> { [.post, .put, .patch, .delete] }
    /// Fetch Metadata (W3C): where the browser says the request comes from.
    static var secFetchSite: HTTPField.Name { HTTPField.Name("Sec-Fetch-Site")! }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let host = request.head.authority, policy.allows(host: host) else {
            throw ProblemDetails(.misdirectedRequest, code: "HOST_NOT_ALLOWED", title: "Host not allowed", detail: """
                this node answers only to its own host names (\(policy.allowedHosts.sorted().joined(separator: ", "))), \
                not \(request.head.authority.map { "'\($0)'" } ?? "a request without Host"); add the name to the node's apiHosts to use it
                """)
        }
        if Self.stateChanging.contains(request.method) {
            if let site = request.headers[Self.secFetchSite]?.lowercased(), site == "cross-site" || site == "same-site" {
                throw Self.crossOrigin("the browser marks this request \(site)")
            }
            if let origin = request.headers[.origin], !Self.isSameOrigin(origin, host: host) {
                throw Self.crossOrigin("its Origin \(origin) is not this node (\(host))")
            }
            if request.headers[.contentType] == nil {
                // No media type: only an empty body passes (a restore, an erasure request).
                var request = request
                let body = try await request.collectBody(upTo: 1 << 20)  // kept in the request for the route
                guard body.readableBytes == 0 else { throw Self.unsupported("a body without Content-Type", accepted: Self.accepted(request)) }
                return try await next(request, context)
            }
            try Self.requireJSON(request)
        }
        return try await next(request, context)
    }

    static func crossOrigin(_ why: String) -> ProblemDetails {
        ProblemDetails(.forbidden, code: "CROSS_ORIGIN", title: "Cross-origin request refused",
                       detail: "a page of another site may not change data here: \(why); nothing was changed")
    }

    /// `Origin` is `scheme://host[:port]` of the page; the same origin as `host` (the `Host` header).
    static func isSameOrigin(_ origin: String, host: String) -> Bool {
        let lower = origin.lowercased()
        for scheme in ["http://", "https://"] where lower.hasPrefix(scheme) {
            return lower.dropFirst(scheme.count) == host.lowercased()
        }
        return false  // "null" (a sandboxed or file page) and anything else
    }

    static func requireJSON(_ request: Request) throws {
        guard let contentType = request.headers[.contentType] else { return }
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let accepted = accepted(request)
        guard accepted.contains(mediaType) else { throw unsupported("Content-Type \(mediaType)", accepted: accepted) }
    }

    /// The media types `request`'s body may have.
    static func accepted(_ request: Request) -> [String] {
        var accepted = request.method == .patch ? ["application/json", "application/merge-patch+json"] : ["application/json"]
        // A CSV import (not a CORS-safelisted type either: a cross-site page must ask first).
        if request.method == .post, request.uri.path == CustomerImportRoutes.path { accepted = ["text/csv"] + CustomerImportRoutes.jsonLinesTypes }
        // A lead provider's ADF post: XML, or text/plain and form bodies (providers send those; a
        // cross-site page was refused above by its Origin or Sec-Fetch-Site).
        if request.method == .post, request.uri.path == LeadRoutes.path { accepted = LeadRoutes.mediaTypes }
        return accepted
    }

    /// 415 naming what this request may send instead (JSON by default).
    static func unsupported(_ what: String, accepted: [String] = ["application/json"]) -> ProblemDetails {
        ProblemDetails(.unsupportedMediaType, code: "UNSUPPORTED_MEDIA_TYPE", title: "Unsupported media type",
                       detail: "this request's body must be " + (accepted.count == 1 ? accepted[0] : "one of " + accepted.joined(separator: ", "))
                           + ", not \(what); nothing was changed")
    }
}
