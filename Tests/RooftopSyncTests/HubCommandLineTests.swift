import Foundation
import RooftopNode
import RooftopTesting
import Testing

/// The hub's command line refuses settings it cannot honour, with a one-line reason.
@Suite struct HubCommandLineTests {
    @Test(arguments: [["--max-drift-ms", "10"], ["--retention-days", "0"], ["--port", "70000"]])
    func anOutOfRangeSettingIsRefusedBeforeTheHubStarts(arguments: [String]) throws {
        let binary = Fixtures.rooftopExecutable
        #expect(FileManager.default.isExecutableFile(atPath: binary), "build the rooftop executable first (scripts/test does)")
        let directory = try TemporaryDirectory("hub-cli")
        defer { directory.remove() }
        let process = try ChildProcess.spawn(binary, ["hub", "serve", "--data", directory.path("hub")] + arguments, standardError: .pipe)
        let message = String(decoding: try #require(process.standardError).readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus != 0)
        #expect(message.contains(arguments[0]), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: directory.path("hub/" + NodeConfiguration.replicaFileName)))
    }
}
