namespace LLaDAV.Eval.Models.Tokenization;

/// <summary>
/// One entry of <c>added_tokens</c> in <c>tokenizer.json</c>, with the matching flags of HF tokenizers'
/// <c>AddedToken</c> (tokenizers/src/tokenizer/added_vocabulary.rs).
/// </summary>
/// <param name="Id">The token id.</param>
/// <param name="Content">The literal text matched in the input.</param>
/// <param name="SingleWord">Match only when not glued to word characters on either side.</param>
/// <param name="LStrip">Swallow the whitespace on its left.</param>
/// <param name="RStrip">Swallow the whitespace on its right.</param>
/// <param name="Normalized">Match against the normalized text rather than the raw input.</param>
/// <param name="Special">A special token: skipped by <c>Decode(skipSpecialTokens: true)</c>.</param>
public sealed record AddedToken(int Id, string Content, bool SingleWord, bool LStrip, bool RStrip, bool Normalized, bool Special);
