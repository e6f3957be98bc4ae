import Hummingbird
import NIOSSL
import X509
import RooftopHTTP

/// Refuses, with 403 `NOT_A_ROOFTOP`, every request whose client certificate was not signed
/// directly by the group CA (`sync-protocol/sync-exchange.md#transport-and-trust`).
///
/// TLS verification accepts any chain to the CA, and a chain through an intermediate can verify
/// although the CA has path length 0 (for example an intermediate that is self-issued under the
/// CA's own name): the group never issues intermediates, so such a certificate is forged or stolen
/// CA key material. This check reads the verified leaf and requires that its issuer is the CA's
/// subject and that its signature verifies with the CA's public key.
public struct DirectlySignedClientMiddleware: RouterMiddleware {
    public typealias Context = HubRequestContext
    let ca: Certificate

    /// - Parameter ca: the group CA's certificate.
    public init(ca: Certificate) { self.ca = ca }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let peer = try await context.channel.nioSSL_peerCertificate().get() else {
            throw ProblemDetails(.forbidden, code: "NOT_A_ROOFTOP", detail: "no client certificate on this connection")
        }
        guard Self.isSignedDirectly(try peer.toDERBytes(), by: ca) else {
            context.logger.warning("refused a client certificate not signed directly by the group CA")
            throw ProblemDetails(.forbidden, code: "NOT_A_ROOFTOP",
                                 detail: "the client certificate is not signed directly by the group CA (intermediate CAs are not accepted)")
        }
        return try await next(request, context)
    }

    /// True when `der` is a certificate whose issuer is `ca`'s subject and whose signature `ca`'s key made.
    public static func isSignedDirectly(_ der: [UInt8], by ca: Certificate) -> Bool {
        guard let certificate = try? Certificate(derEncoded: der), certificate.issuer == ca.subject else { return false }
        return ca.publicKey.isValidSignature(certificate.signature, for: certificate)
    }
}
