import SwarmSimApps
import SwarmSimCore
import Testing
import TestSupport

@Suite struct RedisTests {
    /// A redis server in b and a raw TCP connection to it from a.
    struct Session {
        let pair = Topologies.VethPair()
        let server: RedisServer
        let connection: TCPConnection
        var chunks: [[UInt8]] { box.chunks }
        let box = Box()

        final class Box {
            var chunks: [[UInt8]] = []
            var closed: TCPCloseReason?
            var ended = false
        }

        init() throws {
            server = try RedisServer(namespace: pair.b)
            connection = try pair.a.connectTCP(to: Topologies.ip("10.0.0.2"), port: 6379)
            let box = self.box
            connection.onData = { box.chunks.append($0) }
            connection.onEndOfStream = { box.ended = true }
            connection.onClosed = { box.closed = $0 }
        }

        /// Sends `text` in one write and returns everything answered, as text.
        func exchange(_ text: String) throws -> String {
            box.chunks = []
            try connection.send(Array(text.utf8))
            pair.simulation.runUntilIdle()
            return String(decoding: box.chunks.joined(), as: UTF8.self)
        }
    }

    @Test(arguments: [
        ("*1\r\n$4\r\nPING\r\n", "+PONG\r\n"),
        ("*2\r\n$4\r\nping\r\n$2\r\nhi\r\n", "$2\r\nhi\r\n"),
        ("PING\r\n", "+PONG\r\n"),
        ("*2\r\n$3\r\nGET\r\n$4\r\nnone\r\n", "$-1\r\n"),
        ("*1\r\n$3\r\nGET\r\n", "-ERR wrong number of arguments for 'get' command\r\n"),
        ("*2\r\n$3\r\nset\r\n$1\r\nk\r\n", "-ERR wrong number of arguments for 'set' command\r\n"),
        ("*3\r\n$3\r\nFOO\r\n$1\r\na\r\n$2\r\nbc\r\n", "-ERR unknown command 'FOO', with args beginning with: 'a' 'bc' \r\n"),
        ("*1\r\n$6\r\nFLUSHX\r\n", "-ERR unknown command 'FLUSHX', with args beginning with: \r\n"),
        ("*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n$2\r\nNX\r\n", "-ERR syntax error\r\n"),
    ])
    func singleCommands(_ request: String, _ reply: String) throws {
        let session = try Session()
        #expect(try session.exchange(request) == reply)
    }

    /// The redis-node example app's commands: per-client counts in a hash, listed in insertion order.
    @Test func hashesCountAndListInInsertionOrder() throws {
        let session = try Session()
        let commands = "HINCRBY ip 10.0.0.2 1\r\nHINCRBY ip 10.0.0.3 1\r\nHINCRBY ip 10.0.0.2 1\r\nHGETALL ip\r\n"
        #expect(
            try session.exchange(commands)
                == ":1\r\n:1\r\n:2\r\n*4\r\n$8\r\n10.0.0.2\r\n$1\r\n2\r\n$8\r\n10.0.0.3\r\n$1\r\n1\r\n")
        #expect(try session.exchange("HGET ip 10.0.0.3\r\nHGETALL none\r\n") == "$1\r\n1\r\n*0\r\n")
        #expect(
            try session.exchange("SET s x\r\nHINCRBY s f 1\r\nGET ip\r\nHINCRBY ip 10.0.0.2 x\r\n")
                == "+OK\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
                + "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
                + "-ERR value is not an integer or out of range\r\n")
    }

    @Test func pipelineIsAnsweredInOneSegmentInOrder() throws {
        let session = try Session()
        let pipeline = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n" + "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"
            + "*2\r\n$4\r\nINCR\r\n$1\r\nk\r\n" + "*2\r\n$3\r\nDEL\r\n$1\r\nk\r\n" + "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"
            + "*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n" + "*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n" + "*3\r\n$3\r\nDEL\r\n$1\r\nn\r\n$1\r\nx\r\n"
        let reply = try session.exchange(pipeline)
        #expect(reply == "+OK\r\n$1\r\nv\r\n-ERR value is not an integer or out of range\r\n:1\r\n$-1\r\n:1\r\n:2\r\n:1\r\n")
        #expect(session.chunks.count == 1)
        #expect(session.server.commandsProcessed == 8)
    }

    @Test func commandSplitAcrossSegmentsWaitsForTheRest() throws {
        let session = try Session()
        #expect(try session.exchange("*2\r\n$4\r\nINCR\r\n$3\r\nhi") == "")
        #expect(try session.exchange("ts\r\n") == ":1\r\n")
    }

    @Test func connectionStaysOpenBetweenCommands() throws {
        let session = try Session()
        #expect(try session.exchange("*2\r\n$4\r\nINCR\r\n$1\r\nc\r\n") == ":1\r\n")
        session.pair.simulation.run(until: session.pair.simulation.now + .seconds(30))
        #expect(try session.exchange("*2\r\n$4\r\nINCR\r\n$1\r\nc\r\n") == ":2\r\n")
        #expect(session.box.closed == nil && !session.box.ended)
        #expect(session.server.connectionsReceived == 1)
    }

    @Test func incrOverflowAndStrictIntegers() throws {
        let session = try Session()
        _ = try session.exchange("*3\r\n$3\r\nSET\r\n$1\r\nm\r\n$19\r\n9223372036854775807\r\n")
        #expect(try session.exchange("*2\r\n$4\r\nINCR\r\n$1\r\nm\r\n") == "-ERR increment or decrement would overflow\r\n")
        _ = try session.exchange("*3\r\n$3\r\nSET\r\n$1\r\nz\r\n$2\r\n07\r\n")
        #expect(try session.exchange("*2\r\n$4\r\nINCR\r\n$1\r\nz\r\n") == "-ERR value is not an integer or out of range\r\n")
    }

    @Test func protocolErrorClosesTheConnection() throws {
        let session = try Session()
        #expect(try session.exchange("*1\r\nx\r\n") == "-ERR Protocol error: expected '$', got 'x'\r\n")
        #expect(session.box.ended)
    }

    @Test func clientMatchesRepliesToRequests() throws {
        let pair = Topologies.VethPair()
        let server = try RedisServer(namespace: pair.b)
        let client = try RedisClient(namespace: pair.a, address: Topologies.ip("10.0.0.2"))
        var replies: [RESPValue] = []
        for command in [["INCR", "hits"], ["INCR", "hits"], ["GET", "hits"], ["NOPE"]] {
            client.send(command) { result in if case .success(let value) = result { replies.append(value) } }
        }
        pair.simulation.runUntilIdle()
        #expect(replies == [.integer(1), .integer(2), .bulk("2"),
                            .error("ERR unknown command 'NOPE', with args beginning with: ")])
        #expect(server.keyspace.value("hits") == "2")
        #expect(client.pendingCount == 0)
    }

    @Test func clientFailsPendingRequestsWhenRefused() throws {
        let pair = Topologies.VethPair()
        let client = try RedisClient(namespace: pair.a, address: Topologies.ip("10.0.0.2"))
        var failure: RedisClientError?
        client.send(["PING"]) { result in if case .failure(let error) = result { failure = error } }
        pair.simulation.runUntilIdle()
        #expect(failure == .connection(.refused))
    }

    @Test func respRoundTrip() throws {
        let values: [RESPValue] = [.simpleString("OK"), .error("ERR x"), .integer(-3), .bulkString(nil), .bulk(""),
                                   .array(nil), .array([.bulk("a"), .integer(1), .array([])])]
        var parser = RESPParser()
        for value in values { parser.append(value.serialized()) }
        var parsed: [RESPValue] = []
        while let value = try parser.next() { parsed.append(value) }
        #expect(parsed == values)
        #expect(RESPValue.command(["GET", "k"]).serialized() == Array("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n".utf8))
    }
}
