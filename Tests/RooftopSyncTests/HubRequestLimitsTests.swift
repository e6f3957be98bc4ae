import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Logging
import RooftopModel
import RooftopNode
import RooftopReplication
import RooftopStore
@testable import RooftopSync
import RooftopTesting
import RooftopWire
import Testing
import X509
import RooftopHTTP

/// Issue 9, item 10: bounded work per request. One valid rooftop certificate must not be able to
/// exhaust the hub: frames over the decoder's limits, too many pushes at once, too much of an
/// unknown schema, stalled connections and certificates from an intermediate CA are all refused.
@Suite(.serialized) struct HubRequestLimitsTests {
    static let north = RooftopID(rawValue: "north")!

    /// A payload header (`RTCS`, format 1, schema 3, origin `north`) then `rest`, as one zstd frame.
    static func frame(payloadAfterOrigin rest: [UInt8]) throws -> [UInt8] {
        try Zstd.compress(ChangesetCodec.magic + [0, 1, 0, 3, 5] + Array("north".utf8) + rest, level: 3)
    }

    static func varint(_ value: UInt64) -> [UInt8] {
        var v = value, out: [UInt8] = []
        while v >= 0x80 { out.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        return out + [UInt8(v)]
    }

    static func problem(_ answer: HubAndRooftopsTests.Answer) -> ProblemDetails? {
        try? JSONDecoder().decode(ProblemDetails.self, from: Data(answer.body))
    }

    @Test func aFrameWithAHugeNameTableIsRefusedWith413() async throws {
        let cluster = try await TestCluster()
        // 20 million one-letter names: a 40 MB payload in a frame of a few KB.
        var names = Self.varint(20_000_000)
        names.reserveCapacity(40_000_010)
        for _ in 0..<20_000_000 { names.append(1); names.append(0x61) }
        let bomb = try Self.frame(payloadAfterOrigin: names)
        #expect(bomb.count < 64 << 10)
        let http = try HubAndRooftopsTests.http(cluster, certificate: "north")
        // That the count is refused before any name is read is `DecodingLimitsTests`' (no timing here:
        // this machine's speed under load says nothing about the code).
        let answer = try await HubAndRooftopsTests.post(http, cluster, "changesets", bomb)
        #expect(answer.status.code == 413)
        #expect(answer.contentType == ProblemDetails.mediaType)
        #expect(Self.problem(answer)?.code == "LIMIT_EXCEEDED")
        #expect(try cluster.hubReplica.versionVector() == VersionVector())
        try await http.shutdown()
        await cluster.shutdown()
    }

    @Test func tooManyChangesOrAValueOverOneMebibyteIsRefusedWith413() async throws {
        let cluster = try await TestCluster()
        let now = cluster.clock.nowMilliseconds()
        let row = RowID("0190f0a0-0000-7000-8000-000000000001")!
        let tooMany = Changeset(schemaVersion: CRMSchema.version, origin: Self.north, changes: (0..<5_001).map { i in
            RowChange(table: "customer", rowID: row, hlc: HLC(milliseconds: now - 10_000 + UInt64(i), counter: 0), kind: .update,
                      fields: [FieldChange("leadScore", .integer(Int64(i % 100)))])
        })
        let huge = Changeset(schemaVersion: CRMSchema.version, origin: Self.north, changes: [
            RowChange(table: "customer", rowID: row, hlc: HLC(milliseconds: now, counter: 0), kind: .update,
                      fields: [FieldChange("notes", .text(String(repeating: "x", count: (1 << 20) + 1)))]),
        ])
        let http = try HubAndRooftopsTests.http(cluster, certificate: "north")
        for changeset in [tooMany, huge] {
            let answer = try await HubAndRooftopsTests.post(http, cluster, "changesets", try ChangesetCodec.encode(changeset))
            #expect(answer.status.code == 413)
            #expect(Self.problem(answer)?.code == "LIMIT_EXCEEDED")
        }
        #expect(try cluster.hubReplica.versionVector() == VersionVector())
        try await http.shutdown()
        await cluster.shutdown()
    }

    @Test func pushesBeyondTheLimitPerRooftopAreRefusedWith429AndRetryAfter() async throws {
        let limits = HubLimits()
        let cluster = try await TestCluster(hubLimits: limits)
        let north = try cluster.replica("north")
        try north.createCustomer(CustomerInput(fields: ["lastName": .text("Busy")]))
        let frame = try ChangesetCodec.encode(try north.changeset(origin: north.rooftop, after: .zero, limit: 100))
        // Two pushes of north in progress (held here, as two slow pushes would hold them).
        #expect(limits.beginPush(Self.north) && limits.beginPush(Self.north))
        let http = try HubAndRooftopsTests.http(cluster, certificate: "north")
        var request = HTTPClientRequest(url: cluster.hubURL.absoluteString + "/sync/v1/changesets")
        request.method = .POST
        request.body = .bytes(ByteBuffer(bytes: frame))
        let refused = try await http.execute(request, timeout: .seconds(30))
        let body = Array(buffer: try await refused.body.collect(upTo: 1 << 20))
        #expect(refused.status.code == 429)
        #expect(refused.headers.first(name: "Retry-After") == "1")
        #expect(try JSONDecoder().decode(ProblemDetails.self, from: Data(body)).code == "TOO_MANY_PUSHES")
        // Another rooftop is not affected, and north may push again once a slot is free.
        let south = try cluster.replica("south")
        try await cluster.sync(south)
        limits.endPush(Self.north)
        let accepted = try await HubAndRooftopsTests.post(http, cluster, "changesets", frame)
        #expect(accepted.status == .ok)
        limits.endPush(Self.north)
        try await http.shutdown()
        await cluster.shutdown()
    }

    @Test func atMostTwoDecodesRunAtOnce() async throws {
        let limiter = AsyncLimiter(2)
        let running = Counter()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    await limiter.acquire()
                    await running.enter()
                    try? await Task.sleep(for: .milliseconds(30))
                    await running.leave()
                    limiter.release()
                }
            }
        }
        #expect(await running.most == 2)
    }

    actor Counter {
        var now = 0, most = 0
        func enter() { now += 1; most = max(most, now) }
        func leave() { now -= 1 }
    }

    /// A changeset of schema 4 (newer than this release's) with one change to a table it does not know.
    static func newerSchema(_ hlc: HLC, bytes: Int) -> Changeset {
        Changeset(schemaVersion: CRMSchema.version + 1, origin: north, changes: [
            RowChange(table: "futureThing", rowID: RowID("0190f0a0-0000-7000-8000-0000000000ff")!, hlc: hlc, kind: .insert,
                      fields: [FieldChange("payload", .text(String(repeating: "z", count: bytes)))]),
        ])
    }

    @Test func unknownSchemaBytesAreBoundedPerPushAndPerRooftop() async throws {
        let cluster = try await TestCluster(hubLimits: HubLimits(maxUnknownSchemaBytesPerRooftop: 2_500_000))
        let http = try HubAndRooftopsTests.http(cluster, certificate: "north")
        let now = cluster.clock.nowMilliseconds()
        // Over 1 MiB in one push: 413, nothing kept.
        let big = Changeset(schemaVersion: CRMSchema.version + 1, origin: Self.north, changes: [
            Self.newerSchema(HLC(milliseconds: now, counter: 0), bytes: 700_000).changes[0],
            RowChange(table: "futureThing", rowID: RowID("0190f0a0-0000-7000-8000-0000000000fe")!, hlc: HLC(milliseconds: now, counter: 1),
                      kind: .insert, fields: [FieldChange("payload", .text(String(repeating: "y", count: 700_000)))]),
        ])
        let tooBig = try await HubAndRooftopsTests.post(http, cluster, "changesets", try ChangesetCodec.encode(big))
        #expect(tooBig.status.code == 413)
        #expect(Self.problem(tooBig)?.code == "UNKNOWN_SCHEMA_QUOTA")
        #expect(try cluster.hubReplica.versionVector() == VersionVector())
        // 900 KB per push is accepted twice (kept and forwarded); the third passes the rooftop's quota: 422.
        for i in 0..<3 {
            let frame = try ChangesetCodec.encode(Self.newerSchema(HLC(milliseconds: now + 1 + UInt64(i), counter: 0), bytes: 900_000))
            let answer = try await HubAndRooftopsTests.post(http, cluster, "changesets", frame)
            if i < 2 {
                #expect(answer.status == .ok)
            } else {
                #expect(answer.status.code == 422)
                #expect(Self.problem(answer)?.code == "UNKNOWN_SCHEMA_QUOTA")
            }
        }
        #expect(try cluster.hubReplica.changeCount(origin: Self.north, after: .zero) == 2)
        // Changes of the hub's own schema still pass.
        let north = try cluster.replica("north")
        try north.createCustomer(CustomerInput(fields: ["lastName": .text("Known")]))
        let known = try await HubAndRooftopsTests.post(http, cluster, "changesets",
                                                       try ChangesetCodec.encode(try north.changeset(origin: north.rooftop, after: .zero, limit: 100)))
        #expect(known.status == .ok)
        try await http.shutdown()
        await cluster.shutdown()
    }

    // MARK: - connections

    /// A raw TLS connection to the hub presenting `certificate`'s chain; sends `bytes`, then waits
    /// until the hub closes it or `timeout` passes.
    /// - Returns: what the hub sent, and how long until it closed (nil: it did not within `timeout`).
    /// With `tls` nil, plain TCP (which never completes the hub's TLS handshake).
    static func rawExchange(_ cluster: TestCluster, tls: TLSConfiguration?, send bytes: [UInt8], timeout: Duration)
        async throws -> (received: [UInt8], closedAfter: Duration?)
    {
        try await rawExchange(TestCluster.Endpoint(host: "127.0.0.1", port: cluster.hubURL.port!), tls: tls, send: bytes, timeout: timeout)
    }

    static func rawExchange(_ endpoint: TestCluster.Endpoint, tls: TLSConfiguration?, send bytes: [UInt8], timeout: Duration)
        async throws -> (received: [UInt8], closedAfter: Duration?)
    {
        let context = try tls.map { try NIOSSLContext(configuration: $0) }
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: endpoint.host, port: endpoint.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let context {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: "localhost"))
                    }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let started = ContinuousClock.now
        return try await withThrowingTaskGroup(of: ([UInt8], Duration?).self) { group in
            group.addTask {
                var received: [UInt8] = []
                try? await channel.executeThenClose { inbound, outbound in
                    if !bytes.isEmpty { try await outbound.write(ByteBuffer(bytes: bytes)) }
                    for try await chunk in inbound { received += Array(buffer: chunk) }
                }
                return (received, ContinuousClock.now - started)
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return ([], nil)
            }
            let first = try await group.next()!
            if first.1 == nil { channel.channel.close(promise: nil) }
            group.cancelAll()
            return first
        }
    }

    @Test func aConnectionThatStallsMidBodyOrStaysIdleIsClosedWithinTheTimeout() async throws {
        let cluster = try await TestCluster(hubLimits: HubLimits(idleTimeout: .seconds(1)))
        let tls = try TLSSettings.rooftop("north", ca: cluster.ca)
        // A body shorter than its Content-Length.
        let partial = Array("POST /sync/v1/changesets HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n".utf8) + [0x28, 0xB5, 0x2F, 0xFD]
        let stalled = try await Self.rawExchange(cluster, tls: tls, send: partial, timeout: .seconds(10))
        #expect(stalled.closedAfter != nil && stalled.closedAfter! < .seconds(8))
        // Nothing sent at all after the handshake.
        let idle = try await Self.rawExchange(cluster, tls: tls, send: [], timeout: .seconds(10))
        #expect(idle.closedAfter != nil && idle.closedAfter! < .seconds(8))
        // A TCP connection that never starts the TLS handshake.
        let noHandshake = try await Self.rawExchange(cluster, tls: nil, send: [], timeout: .seconds(10))
        #expect(noHandshake.closedAfter != nil && noHandshake.closedAfter! < .seconds(8))
        print("idle timeout 1 s: no TLS handshake closed after \(noHandshake.closedAfter.map { "\($0)" } ?? "-")")
        print("idle timeout 1 s: a stalled body was closed after \(stalled.closedAfter.map { "\($0)" } ?? "-"), an idle connection after \(idle.closedAfter.map { "\($0)" } ?? "-")")
        await cluster.shutdown()
    }

    @Test func theParsersOwn400sCarryAProblemDocument() async throws {
        let cluster = try await TestCluster()
        let tls = try TLSSettings.rooftop("north", ca: cluster.ca)
        let requests = [
            "BREW /sync/v1/hello HTTP/1.1\r\nHost: localhost\r\n\r\n",  // unknown method
            "GET /sync/v1/hello HTTP/1.1 extra\r\nHost: localhost\r\n\r\n",  // bad request line
            "GET /sync/v1/hello HTTP/1.1\r\nHost: localhost\r\nX-Big: \(String(repeating: "a", count: 100_000))\r\n\r\n",  // oversized header
        ]
        for request in requests {
            let (received, closed) = try await Self.rawExchange(cluster, tls: tls, send: Array(request.utf8), timeout: .seconds(10))
            let text = String(decoding: received, as: UTF8.self)
            #expect(closed != nil)
            print("parser error answered and closed after \(closed.map { "\($0)" } ?? "-")")
            #expect(text.hasPrefix("HTTP/1.1 400"), "\(text.prefix(200))")
            #expect(text.lowercased().contains("content-type: application/problem+json"), "\(text.prefix(300))")
            #expect(text.contains("\"code\":\"BAD_REQUEST\""), "\(text.prefix(400))")
        }
        await cluster.shutdown()
    }

    /// The node's REST API (plain HTTP on loopback) has the same protections: the parser's 400s are
    /// problem documents and a stalled body is cut off after the idle timeout.
    @Test func theNodesRESTServerAnswersParserErrorsWithAProblemAndCutsStalledBodies() async throws {
        let cluster = try await TestCluster()
        let replica = try cluster.replica("north")
        let configuration = NodeConfiguration(rooftop: Self.north, hubURL: cluster.hubURL.absoluteString,
                                              certificates: cluster.ca.directory.path, apiPort: 0)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "test.node")
        logger.logLevel = .critical
        let node = Task { [logger] in
            try await NodeRunner.run(configuration: configuration, replica: replica, logger: logger, idleTimeout: .seconds(1)) { continuation.yield($0) }
        }
        var port = 0
        for await p in ports { port = p; break }
        let plain = TestCluster.Endpoint(host: "127.0.0.1", port: port)
        let (received, _) = try await Self.rawExchange(plain, tls: nil, send: Array("BREW /api/crm/customers HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8),
                                                       timeout: .seconds(10))
        let text = String(decoding: received, as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 400"), "\(text.prefix(200))")
        #expect(text.lowercased().contains("content-type: application/problem+json"))
        #expect(text.contains("\"code\":\"BAD_REQUEST\""))
        let partial = Array("POST /api/crm/customers HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"a\"".utf8)
        let stalled = try await Self.rawExchange(plain, tls: nil, send: partial, timeout: .seconds(10))
        #expect(stalled.closedAfter != nil && stalled.closedAfter! < .seconds(8) && stalled.closedAfter! >= .milliseconds(900))
        #expect(stalled.received.isEmpty)  // cut off, not answered
        print("node REST idle timeout 1 s: a stalled body was closed after \(stalled.closedAfter.map { "\($0)" } ?? "-")")
        node.cancel()
        _ = try? await node.value
        await cluster.shutdown()
    }

    // MARK: - certificates

    /// Issues `leaf` (CN=north, clientAuth) signed by an intermediate CA that the group CA signed:
    /// named `intermediateName`, or the group CA's own name (a self-issued intermediate).
    static func intermediateChain(_ cluster: TestCluster, sameNameAsCA: Bool) throws -> TLSConfiguration {
        let certs = cluster.directory.url.appendingPathComponent("certs")
        let caKey = try P256.Signing.PrivateKey(pemRepresentation: try String(contentsOf: certs.appendingPathComponent("ca-key.pem"), encoding: .utf8))
        let ca = try Certificate(pemEncoded: try String(contentsOf: certs.appendingPathComponent("ca.pem"), encoding: .utf8))
        let now = Date()
        let intermediateKey = P256.Signing.PrivateKey()
        let intermediateName = sameNameAsCA ? ca.subject : try DistinguishedName { CommonName("Intermediate CA") }
        let intermediate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(intermediateKey.publicKey),
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(86_400),
            issuer: ca.subject, subject: intermediateName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: .init(intermediateKey.publicKey))
                AuthorityKeyIdentifier(keyIdentifier: try ca.extensions.subjectKeyIdentifier?.keyIdentifier)
            },
            issuerPrivateKey: .init(caKey))
        let leafKey = P256.Signing.PrivateKey()
        let leaf = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(leafKey.publicKey),
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(86_400),
            issuer: intermediateName, subject: try DistinguishedName { OrganizationalUnitName("rooftop"); CommonName("north") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.clientAuth])
                SubjectKeyIdentifier(hash: .init(leafKey.publicKey))
                AuthorityKeyIdentifier(keyIdentifier: try intermediate.extensions.subjectKeyIdentifier?.keyIdentifier)
            },
            issuerPrivateKey: .init(intermediateKey))
        var tls = try TLSSettings.rooftop("north", ca: cluster.ca)
        tls.certificateChain = try [leaf, intermediate].map { .certificate(try NIOSSLCertificate(bytes: try $0.serializeAsPEM().derBytes, format: .der)) }
        tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(leafKey.derRepresentation), format: .der))
        return tls
    }

    @Test(arguments: [false, true])
    func aClientCertificateSignedThroughAnIntermediateCAIsRefused(sameNameAsCA: Bool) async throws {
        let cluster = try await TestCluster()
        let tls = try Self.intermediateChain(cluster, sameNameAsCA: sameNameAsCA)
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        var request = HTTPClientRequest(url: cluster.hubURL.absoluteString + "/sync/v1/hello")
        request.method = .GET
        do {
            let response = try await http.execute(request, timeout: .seconds(10))
            let body = Array(buffer: try await response.body.collect(upTo: 1 << 20))
            // The handshake passed: the hub must refuse at the first request.
            print("intermediate CA (same name as the CA: \(sameNameAsCA)): handshake accepted, answered \(response.status.code)")
            #expect(response.status == .forbidden)
            #expect(try JSONDecoder().decode(ProblemDetails.self, from: Data(body)).code == "NOT_A_ROOFTOP")
        } catch {
            print("intermediate CA (same name as the CA: \(sameNameAsCA)): refused during the handshake")
        }
        #expect(DirectlySignedClientMiddleware.isSignedDirectly(
            try Certificate(pemEncoded: String(contentsOf: cluster.ca.paths(for: "north").certificate, encoding: .utf8)).serializeAsPEM().derBytes,
            by: try Certificate(pemEncoded: String(contentsOf: cluster.ca.caCertificatePath, encoding: .utf8))))
        try await http.shutdown()
        await cluster.shutdown()
    }
}

extension TestCluster {
    /// A host and port to open a raw connection to.
    struct Endpoint {
        var host: String
        var port: Int
    }
}
