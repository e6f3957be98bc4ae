import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// How a ``SyncClient`` reaches the hub's sync exchange (`/sync/v1/...`).
///
/// ``HTTPSyncTransport`` is the real one: HTTPS with mutual TLS. The convergence soak plugs in an
/// in-process transport that calls the hub's ``HubService`` directly, with faults (lost requests,
/// lost answers, stale duplicates), so it runs the product's own client and hub logic.
public protocol SyncTransport: Sendable {
    /// Sends one request to `/sync/v1/<path>`.
    /// - Returns: the status, the whole body and the headers.
    /// - Throws: ``SyncError`` (`HUB_UNREACHABLE`, `TLS`) when no answer arrived.
    func send(_ method: HTTPMethod, _ path: String, contentType: String?, body: [UInt8]?) async throws -> (HTTPResponseStatus, [UInt8], HTTPHeaders)
    /// Releases the transport's connections.
    func shutdown() async throws
}

/// The hub over HTTPS with mutual TLS (AsyncHTTPClient).
public final class HTTPSyncTransport: SyncTransport {
    /// The hub's base URL (`https://localhost:8443`).
    public let hub: URL
    let http: HTTPClient
    let tls: TLSConfiguration

    /// - Parameters:
    ///   - connectTimeout: how long to wait for the hub to accept a connection.
    ///   - readTimeout: how long to wait for the next bytes of an answer.
    public init(hub: URL, tls: TLSConfiguration, connectTimeout: TimeAmount = .seconds(3), readTimeout: TimeAmount = .seconds(60)) {
        self.hub = hub
        self.tls = tls
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(
            tlsConfiguration: tls, timeout: .init(connect: connectTimeout, read: readTimeout)))
    }

    public func shutdown() async throws { try await http.shutdown() }

    public func send(_ method: HTTPMethod, _ path: String, contentType: String?, body: [UInt8]?) async throws -> (HTTPResponseStatus, [UInt8], HTTPHeaders) {
        var request = HTTPClientRequest(url: hub.absoluteString.trimmingSuffix("/") + SyncProtocol.prefix + "/" + path)
        request.method = method
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let response = try await http.execute(request, timeout: .seconds(120))
            let buffer = try await response.body.collect(upTo: 256 << 20)
            return (response.status, Array(buffer: buffer), response.headers)
        } catch {
            let classified = SyncClient.classify(error, hub: hub)
            if classified.code == .tls, let why = await TLSClockDiagnosis.explain(hub: hub, tls: tls) {
                throw SyncError(.tls, "TLS with the hub at \(hub.absoluteString) failed: \(why)")
            }
            throw classified
        }
    }
}
