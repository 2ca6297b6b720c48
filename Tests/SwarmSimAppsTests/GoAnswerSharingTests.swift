import SwarmSimCore
import Testing
@testable import SwarmSimApps

/// Go's answer bytes are written once and shared while their inputs repeat: the second answer
/// in the same `Date` second is the same storage, and any changed input writes new bytes.
@Suite struct GoAnswerSharingTests {
    let body = Array("<h1>same</h1>\n".utf8)

    func storage(_ bytes: [UInt8]) -> UnsafeRawPointer? {
        bytes.withUnsafeBytes { $0.baseAddress }
    }

    @Test func repeatedInputsShareOneAnswerAndChangedOnesDoNot() {
        let behaviour = GoNetHTTPBehaviour(body: { [body] _ in body })
        let request = HTTPRequest()
        let start = SimTime.zero + .milliseconds(200)
        let first = behaviour.respond(to: request, sequence: 1, now: start).bytes
        let second = behaviour.respond(to: request, sequence: 2, now: start + .milliseconds(700)).bytes
        #expect(second == first && storage(second) == storage(first), "same second, same inputs: shared")

        let closing = behaviour.respond(
            to: HTTPRequest(headers: ["Connection": "close"]), sequence: 3, now: start + .milliseconds(700))
        #expect(storage(closing.bytes) != storage(first) && !closing.keepAlive)
        #expect(String(decoding: closing.bytes, as: UTF8.self).contains("\r\nConnection: close\r\n"))

        let head = behaviour.respond(to: HTTPRequest(method: "HEAD"), sequence: 4, now: start + .milliseconds(700))
        #expect(!head.bytes.isEmpty && !head.bytes.suffix(body.count).elementsEqual(body), "HEAD: no body")

        let later = behaviour.respond(to: request, sequence: 5, now: start + .seconds(1)).bytes
        #expect(storage(later) != storage(first))
        #expect(String(decoding: later, as: UTF8.self).contains("Date: Thu, 01 Jan 1970 00:00:01 GMT\r\n"))
        #expect(String(decoding: first, as: UTF8.self).contains("Date: Thu, 01 Jan 1970 00:00:00 GMT\r\n"))
    }
}
