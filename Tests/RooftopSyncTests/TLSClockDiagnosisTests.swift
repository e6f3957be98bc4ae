import Foundation
import RooftopReplication
@testable import RooftopSync
import RooftopTesting
import Testing

/// A certificate that fails because the local clock is wrong says so (issue 9, item 2): "local clock
/// reads …; certificate valid from … to …", not a TLS library message with a build path.
@Suite(.serialized) struct TLSClockDiagnosisTests {
    static let threeYears: TimeInterval = 3 * 365 * 86_400

    @Test func aClockYearsAheadIsNamedWithTheCertificatesValidity() async throws {
        let cluster = try await TestCluster()
        let tls = try TLSSettings.rooftop("north", ca: cluster.ca)
        let ahead = Date().addingTimeInterval(Self.threeYears)
        let why = try #require(await TLSClockDiagnosis.explain(hub: cluster.hubURL, tls: tls, now: ahead))
        #expect(why.hasPrefix("local clock reads \(TLSClockDiagnosis.iso(ahead))"))
        #expect(why.contains("is valid from 20") && why.contains(" to 20"))
        #expect(why.contains("set it right (NTP)"))
        #expect(!why.contains(".swift") && !why.contains("/.build/") && !why.contains(".cc:"))
        // A clock before the certificates were issued is named too; the hub's certificate is read from the hub.
        let behind = try #require(await TLSClockDiagnosis.explain(hub: cluster.hubURL, tls: tls, now: Date().addingTimeInterval(-Self.threeYears)))
        #expect(behind.contains("local clock reads"))
        #expect(await TLSClockDiagnosis.hubCertificates(hub: cluster.hubURL, tls: tls).count >= 1)
        // With the clock right, there is nothing to explain.
        #expect(await TLSClockDiagnosis.explain(hub: cluster.hubURL, tls: tls, now: Date()) == nil)
        await cluster.shutdown()
    }

    @Test func aTLSFailureCarriesNoSourceLocationOfTheTLSLibrary() {
        struct RawTLSFailure: Error, CustomStringConvertible {
            var description: String {
                "handshakeFailed(sslError([Error: 268435581 error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED at /work/main/.build/checkouts/swift-nio-ssl/Sources/CNIOBoringSSL/ssl/handshake.cc:393]))"
            }
        }
        let error = SyncClient.classify(RawTLSFailure(), hub: URL(string: "https://localhost:8443")!)
        #expect(error.code == .tls)
        #expect(error.message.contains("CERTIFICATE_VERIFY_FAILED"))
        #expect(!error.message.contains("/.build/") && !error.message.contains("handshake.cc"))
    }
}
