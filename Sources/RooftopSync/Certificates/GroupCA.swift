import RooftopWire
import Crypto
import Foundation
import RooftopReplication
import SwiftASN1
import X509

/// The dealership group's own certificate authority and the certificates it issues: one client
/// certificate per rooftop (common name = rooftop id, extended key usage clientAuth) and one
/// server certificate for the hub (SAN = its host name).
///
/// Keys are ECDSA P-256; files are PEM (RFC 7468) in one directory:
/// `ca.pem`, `ca-key.pem`, `<rooftop>.pem`, `<rooftop>-key.pem`, `hub.pem`, `hub-key.pem`.
/// Private keys are written with mode 0600. Certificates follow RFC 5280.
public struct GroupCA: Sendable {
    /// The directory holding the files.
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    /// The CA certificate file.
    public var caCertificatePath: URL { directory.appendingPathComponent("ca.pem") }
    var caKeyPath: URL { directory.appendingPathComponent("ca-key.pem") }

    /// The certificate and key files of a rooftop (or of the hub, `hub`).
    public func paths(for name: String) -> (certificate: URL, key: URL) {
        (directory.appendingPathComponent("\(name).pem"), directory.appendingPathComponent("\(name)-key.pem"))
    }

    /// Creates the group CA (valid `validityDays`, default 10 years).
    /// - Parameter groupName: shown in the CA's subject (`O=`).
    /// - Throws: ``CertificateError`` when a CA already exists there (it is never overwritten).
    public func initialize(groupName: String, validityDays: Int = 3650) throws {
        try Self.checkValidity(days: validityDays)
        guard !FileManager.default.fileExists(atPath: caKeyPath.path) else {
            throw CertificateError("a group CA already exists in \(directory.path); refusing to overwrite it")
        }
        try PrivateFiles.createDirectory(directory)
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            OrganizationName(groupName)
            CommonName("\(groupName) Rooftop Group CA")
        }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(Double(validityDays) * 86_400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: .init(key.publicKey))
            },
            issuerPrivateKey: .init(key))
        try write(key.pemRepresentation, to: caKeyPath, secret: true)
        try write(try certificate.serializeAsPEM().pemString, to: caCertificatePath, secret: false)
    }

    /// Issues a rooftop's client certificate (CN = rooftop id, EKU clientAuth).
    /// - Throws: ``CertificateError`` when the CA is missing or `rooftop` is `hub`.
    public func issueRooftop(_ rooftop: RooftopID, validityDays: Int = 825) throws {
        guard rooftop != .hub else { throw CertificateError("\"hub\" is reserved for the hub's own replica") }
        try issue(name: rooftop.rawValue, usage: .clientAuth, dnsNames: [], validityDays: validityDays)
    }

    /// Issues the hub's server certificate for `host` (a DNS name or an IP address; `localhost`
    /// also gets 127.0.0.1 and ::1).
    /// - Throws: ``CertificateError`` when the CA is missing.
    public func issueHub(host: String, validityDays: Int = 825) throws {
        try issue(name: "hub", usage: .serverAuth, dnsNames: [host], validityDays: validityDays)
    }

    private func issue(name: String, usage: ExtendedKeyUsage.Usage, dnsNames: [String], validityDays: Int) throws {
        try Self.checkValidity(days: validityDays)
        guard let caKeyPEM = try? String(contentsOf: caKeyPath, encoding: .utf8),
            let caPEM = try? String(contentsOf: caCertificatePath, encoding: .utf8)
        else { throw CertificateError("no group CA in \(directory.path): run `rooftop certs init-ca` first") }
        let caKey = try P256.Signing.PrivateKey(pemRepresentation: caKeyPEM)
        let ca = try Certificate(pemEncoded: caPEM)
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName {
            OrganizationalUnitName(usage == .clientAuth ? "rooftop" : "hub")
            CommonName(name)
        }
        var alternativeNames: [GeneralName] = []
        for host in dnsNames {
            if let ip = Self.ipAddressBytes(host) {
                alternativeNames.append(.ipAddress(ASN1OctetString(contentBytes: ip[...])))
            } else {
                alternativeNames.append(.dnsName(host))
            }
            if host == "localhost" {
                alternativeNames.append(.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])))
                alternativeNames.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice([UInt8](repeating: 0, count: 15) + [1]))))
            }
        }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(Double(validityDays) * 86_400),
            issuer: ca.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([usage])
                SubjectKeyIdentifier(hash: .init(key.publicKey))
                AuthorityKeyIdentifier(keyIdentifier: try ca.extensions.subjectKeyIdentifier?.keyIdentifier)
                if !alternativeNames.isEmpty { SubjectAlternativeNames(alternativeNames) }
            },
            issuerPrivateKey: .init(caKey))
        let paths = paths(for: name)
        try write(key.pemRepresentation, to: paths.key, secret: true)
        try write(try certificate.serializeAsPEM().pemString, to: paths.certificate, secret: false)
    }

    /// The validity periods this CA issues: 1 day to 100 years (0 or fewer would make a certificate
    /// that is already expired).
    public static let validityDaysRange = 1...36_500

    /// - Throws: ``CertificateError`` when `days` is outside ``validityDaysRange``.
    static func checkValidity(days: Int) throws {
        guard validityDaysRange.contains(days) else {
            throw CertificateError("--days must be 1 to 36500 (a certificate valid for \(days) days would be expired from the start); nothing was written")
        }
    }

    static func ipAddressBytes(_ host: String) -> [UInt8]? {
        let parts = host.split(separator: ".")
        guard parts.count == 4 else { return nil }
        let bytes = parts.compactMap { UInt8($0) }
        return bytes.count == 4 ? bytes : nil
    }

    /// A private key is created 0600 (never readable by others, not even for a moment); a certificate 0644.
    private func write(_ text: String, to url: URL, secret: Bool) throws {
        try PrivateFiles.write(Data(text.utf8), to: url, mode: secret ? PrivateFiles.fileMode : 0o644)
    }

    /// The rooftop named by a client certificate: its common name, provided the certificate
    /// allows client authentication (EKU clientAuth).
    /// - Parameter der: the certificate, DER-encoded.
    /// - Throws: ``CertificateError`` when the certificate is not a rooftop certificate.
    public static func rooftop(ofClientCertificate der: [UInt8]) throws -> RooftopID {
        let certificate = try Certificate(derEncoded: der)
        guard let usages = try certificate.extensions.extendedKeyUsage, usages.contains(.clientAuth) else {
            throw CertificateError("the client certificate does not allow client authentication")
        }
        var commonName: String?
        for rdn in certificate.subject {
            for attribute in rdn where attribute.type == .RDNAttributeType.commonName {
                commonName = String(attribute.value)
            }
        }
        guard let commonName, let id = RooftopID(rawValue: commonName), id != .hub else {
            throw CertificateError("the client certificate does not name a rooftop")
        }
        return id
    }
}

/// Certificate files are missing, invalid, or would be overwritten.
public struct CertificateError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
