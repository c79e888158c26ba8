import { decodeEntities, htmlToText } from './html-to-text';

describe(htmlToText.name, () => {
  it.each([
    ['<p>Hello <b>world</b></p><p>again</p>', 'Hello world\nagain'],
    ['line<br/>break &amp; more', 'line\nbreak & more'],
    ['<script>alert(1)</script>safe', 'safe'],
    ['caf&#233; &#x1F600; &nbsp; &unknown;', 'café 😀 &unknown;'],
    ['plain text', 'plain text'],
  ])('reads %s as %s', (html, text) => {
    expect(htmlToText(html)).toBe(text);
  });

  it('leaves an out-of-range character reference as written', () => {
    expect(decodeEntities('&#99999999;')).toBe('&#99999999;');
  });
});
