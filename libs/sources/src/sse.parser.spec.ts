import { SseParser } from './sse.parser';

describe(SseParser.name, () => {
  it('dispatches named events on blank lines and ignores heartbeat comments', () => {
    const sut = new SseParser();
    expect(sut.push(':thump\n\nevent: update\ndata: {"id":"1"}\n\nevent: delete\ndata: 2\n')).toEqual([
      { event: 'update', data: '{"id":"1"}' },
    ]);
    expect(sut.push('\n')).toEqual([{ event: 'delete', data: '2' }]);
  });

  it('joins multi-line data and reassembles events split across chunks and CRLFs', () => {
    const sut = new SseParser();
    const chunks = ['da', 'ta: a\r', '\ndata:b\r\n', 'id: 7\r\n\r', '\n'];
    const events = chunks.flatMap((chunk) => sut.push(chunk));
    expect(events).toEqual([{ event: 'message', data: 'a\nb', id: '7' }]);
  });
});
