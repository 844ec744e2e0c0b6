using LLaDAV.Eval.Models.Prompting;
using LLaDAV.Eval.Models.Tokenization;
using LLaDAV.Eval.Testing;

namespace LLaDAV.Eval.Models.Tests.Prompting;

/// <summary>
/// The code templates against the Jinja <c>chat_template</c> of the checkpoints' <c>tokenizer_config.json</c>. The
/// expected strings were written by evaluating the Jinja by hand (filters bind tighter than <c>+</c>, so <c>trim</c>
/// applies to the content; <c>bos_token</c> only before the first message; the final assistant header unconditional
/// in LLaDA's template and under <c>{% if add_generation_prompt %}</c> in LLaMA-3-Instruct's).
/// </summary>
public sealed class ChatTemplateTests
{
    [Fact]
    public void Checkpoint_templates_are_the_two_families_rendered_in_code()
    {
        var llada = HfTokenizer.Load(TestPaths.InTestData("model-reference", "tiny-lladav")).Config;
        var llama = HfTokenizer.Load(TestPaths.InTestData("model-reference", "tiny-llama3v")).Config;
        const string Loop = "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}";
        Assert.Equal(Loop + "{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}", llada.ChatTemplate);
        Assert.Equal(Loop + "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}", llama.ChatTemplate);
        Assert.Equal(LladaChatTemplate.Instance.BosToken, llada.BosToken);
        Assert.Equal(Llama3ChatTemplate.Instance.BosToken, llama.BosToken);
    }

    [Fact]
    public void Llada_template_trims_content_and_always_adds_the_assistant_header()
    {
        // messages = [{"role": "user", "content": "  Hello there \n"}], add_generation_prompt = False
        var text = LladaChatTemplate.Instance.Render([new ChatTurn("user", "  Hello there \n")], addGenerationPrompt: false);
        Assert.Equal("<|startoftext|><|start_header_id|>user<|end_header_id|>\n\nHello there<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n", text);
    }

    [Fact]
    public void Llama3_template_multi_turn_has_one_bos_and_no_header_without_generation_prompt()
    {
        // system / user / assistant / user, add_generation_prompt = False
        var turns = new[]
        {
            new ChatTurn("system", "Be brief."),
            new ChatTurn("user", "\tWhat is 2+2?"),
            new ChatTurn("assistant", "4"),
            new ChatTurn("user", "And 3+3? "),
        };
        var text = Llama3ChatTemplate.Instance.Render(turns, addGenerationPrompt: false);
        Assert.Equal(
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>"
            + "<|start_header_id|>assistant<|end_header_id|>\n\n4<|eot_id|>"
            + "<|start_header_id|>user<|end_header_id|>\n\nAnd 3+3?<|eot_id|>",
            text);
    }

    [Fact]
    public void Llama3_template_adds_the_header_with_generation_prompt()
    {
        var text = Llama3ChatTemplate.Instance.Render([new ChatTurn("user", "Hi")], addGenerationPrompt: true);
        Assert.Equal("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n", text);
    }

    [Fact]
    public void Trim_strips_what_python_calls_whitespace_only_at_the_ends()
    {
        // Python: "\x1c a \u00a0b \x1f\u3000".strip() == "a \u00a0b"
        var text = LladaChatTemplate.Instance.Render([new ChatTurn("user", "\u001c a \u00a0b \u001f\u3000")], addGenerationPrompt: false);
        Assert.Contains("<|end_header_id|>\n\na \u00a0b<|eot_id|>", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_template_names_list_the_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => ChatTemplate.For("vicuna_v1"));
        Assert.Contains("llava_llada", e.Message, StringComparison.Ordinal);
        Assert.Contains("llava_llama_3", e.Message, StringComparison.Ordinal);
    }
}
