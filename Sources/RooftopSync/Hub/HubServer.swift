import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOSSL
import RooftopReplication
import RooftopStore
import X509
import RooftopHTTP

/// The hub: a replica that accepts changesets from rooftops and relays them, over HTTPS that
/// requires a client certificate from the group CA (mutual TLS).
public enum HubServer {
    /// Builds the hub application.
    /// - Parameters:
    ///   - replica: the hub's own replica (rooftop id `hub`).
    ///   - tls: from ``TLSSettings/hub(ca:)``.
    ///   - host: the address to listen on (`127.0.0.1`).
    ///   - port: the TCP port (0 picks a free one; `onServerRunning` reports it).
    ///   - wallClock: the hub's clock for `serverTimeMs` (tests inject one).
    ///   - limits: the bounds on work per request and the idle timeout ([HubLimits]).
    /// - Throws: when the TLS configuration is invalid or trusts no CA certificate.
    public static func application(replica: Replica, tls: TLSConfiguration, host: String, port: Int, logger: Logger,
                                   wallClock: any WallClock = SystemWallClock(), limits: HubLimits = HubLimits(),
                                   onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
        guard case .certificates(let roots) = tls.trustRoots, let ca = roots.first else {
            throw CertificateError("the hub's TLS configuration must trust exactly the group CA's certificate")
        }
        let router = Router(context: HubRequestContext.self)
        router.add(middleware: ProblemDetailsMiddleware())
        router.add(middleware: QueryEncodingMiddleware())
        router.add(middleware: DirectlySignedClientMiddleware(ca: try Certificate(derEncoded: try ca.toDERBytes())))
        HubRoutes(replica: replica, wallClock: wallClock, limits: limits).register(on: router)
        router.add(middleware: MethodNotAllowedMiddleware(routes: router.routes))
        return Application(
            router: router,
            server: try .tls(.http1(configuration: .init(additionalChannelHandlers: [ParserErrorProblemHandler.installer()], idleTimeout: limits.idleTimeout)),
                             tlsConfiguration: tls),
            configuration: .init(address: .hostname(host, port: port), serverName: "rooftop-hub"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}
