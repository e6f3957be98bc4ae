import Hummingbird
import NIOCore
import NIOSSL
import RooftopReplication
import RooftopHTTP

/// The hub's request context: Hummingbird's core context plus the TLS channel, from which the
/// client certificate names the calling rooftop.
public struct HubRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection's channel (carries the NIOSSL handler).
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    /// The rooftop named by the verified client certificate of this connection.
    /// - Throws: ``ProblemDetails`` 403 `NOT_A_ROOFTOP` when there is none or it names no rooftop.
    public func peerRooftop() async throws -> RooftopID {
        guard let certificate = try await channel.nioSSL_peerCertificate().get() else {
            throw ProblemDetails(.forbidden, code: "NOT_A_ROOFTOP", detail: "no client certificate on this connection")
        }
        do {
            return try GroupCA.rooftop(ofClientCertificate: try certificate.toDERBytes())
        } catch {
            throw ProblemDetails(.forbidden, code: "NOT_A_ROOFTOP", detail: "\(error)")
        }
    }
}
