import Foundation
import NIOSSL

/// TLS configurations for the hub (server, client certificate required) and the rooftops
/// (client, presenting their certificate). Both trust only the group CA. TLS 1.2 minimum.
public enum TLSSettings {
    /// The hub's server side: presents `hub.pem`, requires a client certificate issued by the
    /// group CA (`certificateVerification = .noHostnameVerification`).
    /// - Throws: ``CertificateError`` when a file is missing or unreadable.
    public static func hub(ca: GroupCA) throws -> TLSConfiguration {
        let paths = ca.paths(for: "hub")
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try load(paths.certificate) { try NIOSSLCertificate.fromPEMFile($0).map { .certificate($0) } },
            privateKey: .privateKey(try load(paths.key) { try NIOSSLPrivateKey(file: $0, format: .pem) }))
        configuration.trustRoots = .certificates(try load(ca.caCertificatePath) { try NIOSSLCertificate.fromPEMFile($0) })
        configuration.certificateVerification = .noHostnameVerification
        configuration.minimumTLSVersion = .tlsv12
        return configuration
    }

    /// A rooftop's client side: presents `<rooftop>.pem` and verifies the hub's certificate and
    /// host name against the group CA.
    /// - Throws: ``CertificateError`` when a file is missing or unreadable.
    public static func rooftop(_ name: String, ca: GroupCA) throws -> TLSConfiguration {
        let paths = ca.paths(for: name)
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates(try load(ca.caCertificatePath) { try NIOSSLCertificate.fromPEMFile($0) })
        configuration.certificateChain = try load(paths.certificate) { try NIOSSLCertificate.fromPEMFile($0).map { .certificate($0) } }
        configuration.privateKey = .privateKey(try load(paths.key) { try NIOSSLPrivateKey(file: $0, format: .pem) })
        configuration.minimumTLSVersion = .tlsv12
        return configuration
    }

    private static func load<T>(_ file: URL, _ body: (String) throws -> T) throws -> T {
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw CertificateError("\(file.path) is missing (issue it with `rooftop certs`)")
        }
        do { return try body(file.path) } catch {
            throw CertificateError("\(file.path) is not a readable PEM certificate or key")
        }
    }
}
