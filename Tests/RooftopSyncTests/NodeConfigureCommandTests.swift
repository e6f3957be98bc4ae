import Foundation
import RooftopNode
import RooftopTesting
import Testing

/// `rooftop node configure`: a rooftop set up with `node init` points at a hub that moved, or at new
/// certificates, without a new data directory; a bad value changes nothing and says why in one line.
@Suite struct NodeConfigureCommandTests {
    static func run(_ arguments: [String]) throws -> (Int32, String) { try ChildProcess.runToEnd(Fixtures.rooftopExecutable, arguments) }

    /// `node init` without the group's CA names the step that makes it; with the CA but no
    /// certificate for the rooftop, the step that issues it (a user trial followed the first message
    /// when it pointed at `certs issue`, which needs the CA).
    @Test func nodeInitWithoutCertificatesNamesTheStepThatMakesThem() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let certs = directory.path("certs"), data = directory.path("east")
        let initNode = ["node", "init", "--data", data, "--rooftop", "east", "--hub", "https://hub:8443", "--certs", certs]
        let (noCA, noCAOutput) = try Self.run(initNode)
        #expect(noCA == 1 && noCAOutput.contains("ca.pem is missing: make the group's CA first (rooftop certs init-ca"), "\(noCAOutput)")
        #expect(try Self.run(["certs", "init-ca", "--certs", certs]).0 == 0)
        let (noCert, noCertOutput) = try Self.run(initNode)
        #expect(noCert == 1 && noCertOutput.contains("is missing: issue the certificate first (rooftop certs issue"), "\(noCertOutput)")
        #expect(!FileManager.default.fileExists(atPath: data + "/rooftop.json"))
    }

    @Test func theHubURLAndOtherSettingsChangeAndABadValueChangesNothing() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let certs = directory.path("certs"), data = directory.path("east")
        for arguments in [["certs", "init-ca", "--certs", certs, "--group", "Test Group"], ["certs", "issue", "--certs", certs, "--rooftop", "east"],
                          ["node", "init", "--data", data, "--rooftop", "east", "--hub", "https://old-hub:8443", "--certs", certs]] {
            let (status, output) = try Self.run(arguments)
            #expect(status == 0, "\(arguments): \(output)")
        }
        let (status, output) = try Self.run(["node", "configure", "--data", data, "--hub", "https://new-hub.example:9443", "--api-port", "9081",
                                             "--api-host-name", "desk.example", "--sync-interval", "30"])
        #expect(status == 0 && output.contains("https://new-hub.example:9443") && output.contains("restart"), "\(output)")
        var saved = try #require(try NodeConfiguration.load(from: directory.url.appendingPathComponent("east")))
        #expect(saved.hubURL == "https://new-hub.example:9443" && saved.apiPort == 9081 && saved.apiHosts == ["desk.example"])
        #expect(saved.syncIntervalSeconds == 30 && saved.rooftop.rawValue == "east")

        // Each bad value: exit 1, one line naming the option, the file as it was.
        for (arguments, reason) in [(["--hub", "http://plain:80"], "--hub must be an https:// URL"),
                                    (["--certs", directory.path("nowhere")], "is missing"),
                                    (["--api-port", "70000"], "--api-port"),
                                    (["--sync-interval", "0"], "--sync-interval")] {
            let (badStatus, badOutput) = try Self.run(["node", "configure", "--data", data] + arguments)
            #expect(badStatus == 1 && badOutput.contains(reason), "\(arguments): \(badOutput)")
            #expect(try NodeConfiguration.load(from: directory.url.appendingPathComponent("east")) == saved)
        }
        // No option: the settings, unchanged; --no-api-host-names goes back to loopback only.
        let (showStatus, shown) = try Self.run(["node", "configure", "--data", data])
        #expect(showStatus == 0 && shown.contains("desk.example") && !shown.contains("restart"), "\(shown)")
        #expect(try Self.run(["node", "configure", "--data", data, "--no-api-host-names"]).0 == 0)
        saved.apiHosts = nil
        #expect(try NodeConfiguration.load(from: directory.url.appendingPathComponent("east")) == saved)
        // A directory without a rooftop: refused.
        let (noneStatus, none) = try Self.run(["node", "configure", "--data", directory.path("west"), "--hub", "https://hub:8443"])
        #expect(noneStatus == 1 && none.contains("node init"), "\(none)")
    }
}
