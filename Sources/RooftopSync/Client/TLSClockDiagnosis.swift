import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import RooftopModel
import Synchronization
import X509

/// Explains a failed TLS handshake with the hub whose cause is this computer's clock: a certificate
/// (this rooftop's own, the group CA, or the hub's) is not valid at the time the local clock reads,
/// so certificate verification (RFC 5280 §6.1.3 (a)(2): the current time within the validity period)
/// fails although the certificates are right. The user then reads "local clock reads …; certificate
/// valid from … to …" instead of a TLS library message.
enum TLSClockDiagnosis {
    /// One certificate's validity period.
    struct Window {
        let role: String
        let subject: String
        let notBefore: Date
        let notAfter: Date

        func contains(_ date: Date) -> Bool { date >= notBefore && date <= notAfter }
    }

    /// The explanation, or nil when every certificate is valid at `now` (the failure has another cause).
    /// Reads the hub's certificate from a second handshake that is abandoned as soon as it arrives
    /// (at most 3 s).
    static func explain(hub: URL, tls: TLSConfiguration, now: Date = Date()) async -> String? {
        var windows: [Window] = []
        for case .certificate(let certificate) in tls.certificateChain { windows += window(certificate, role: "this rooftop's certificate") }
        if case .certificates(let roots)? = tls.trustRoots { windows += roots.flatMap { window($0, role: "the group CA's certificate") } }
        windows += await hubCertificates(hub: hub, tls: tls).prefix(1).flatMap { window($0, role: "the hub's certificate") }
        guard let wrong = windows.first(where: { !$0.contains(now) }) else { return nil }
        return """
            local clock reads \(iso(now)); \(wrong.role) (\(wrong.subject)) is valid from \(iso(wrong.notBefore)) to \(iso(wrong.notAfter)). \
            If this computer's clock is wrong, set it right (NTP) and sync again; otherwise issue a new certificate (rooftop certs)
            """
    }

    static func window(_ certificate: NIOSSLCertificate, role: String) -> [Window] {
        let subject = (try? Certificate(derEncoded: certificate.toDERBytes()))?.subject.description ?? "unnamed"
        return [Window(role: role, subject: subject, notBefore: Date(timeIntervalSince1970: TimeInterval(certificate.notValidBefore)),
                       notAfter: Date(timeIntervalSince1970: TimeInterval(certificate.notValidAfter)))]
    }

    static func iso(_ date: Date) -> String { Timestamp.string(milliseconds: UInt64(max(0, date.timeIntervalSince1970 * 1000))) }

    /// The hub's certificate chain as it presents it, read during a handshake that this side then
    /// refuses (nothing is sent to the hub). Empty when the hub cannot be reached.
    static func hubCertificates(hub: URL, tls: TLSConfiguration) async -> [NIOSSLCertificate] {
        guard let host = hub.host, let context = try? NIOSSLContext(configuration: tls) else { return [] }
        let seen = Mutex<[NIOSSLCertificate]>([])
        let serverHostname = host.first?.isNumber == true || host.contains(":") ? nil : host
        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(3))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let handler = try NIOSSLClientHandler(context: context, serverHostname: serverHostname) { certificates, promise in
                            seen.withLock { $0 = certificates }
                            promise.succeed(NIOSSLVerificationResult.failed)  // read, not trusted: the handshake ends here
                        }
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                }
                .connect(host: host, port: hub.port ?? 443).get()
            _ = try? await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await channel.closeFuture.get() }
                group.addTask { try await Task.sleep(for: .seconds(3)) }
                try await group.next()
                group.cancelAll()
            }
            try? await channel.close()
        } catch {}
        return seen.withLock { $0 }
    }
}
