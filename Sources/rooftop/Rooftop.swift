import Foundation
import ArgumentParser
import Logging
import RooftopStore

/// The `rooftop` command: a rooftop node, the hub, and staff tools on the local replica.
@main
struct Rooftop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rooftop",
        abstract: "Offline-first CRM sync node for dealership groups.",
        discussion: "Staff commands work on the local replica whether or not the hub answers.",
        subcommands: [
            CertsCommand.self, HubCommand.self, NodeCommand.self, CustomerCommand.self, InteractionCommand.self, CRMCommand.self,
            CampaignCommand.self, SegmentCommand.self, SurveyCommand.self, JourneyCommand.self,
            LoyaltyCommand.self, ImportCommand.self, SyncCommand.self, StatusCommand.self, DigestCommand.self, ConflictsCommand.self, ReviewCommand.self, CompactCommand.self, ErasuresCommand.self, ChangesetCommand.self,
            FixturesCommand.self, ExportCommand.self, DuplicatesCommand.self, LeadsCommand.self,
        ])

    /// Everything this process creates (replicas, snapshots, saved changesets, keys, configuration)
    /// is private to its owner from the start: umask 077, so files are 0600 and folders 0700.
    static func main() async {
        umask(0o077)
        SQLiteProcessSettings.apply()  // before any connection opens
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }

    static func bootstrapLogging() {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            return handler
        }
    }
}
