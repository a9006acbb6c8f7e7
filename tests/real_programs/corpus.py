"""The real-program corpus: which public programs run, with which arguments, compared how.

The programs themselves are third-party code and are not part of this repository
(see README.md here): each entry names the file it expects under
``examples/real_programs/`` and the test skips an entry whose file is absent.

Fields:
  program   path under examples/real_programs/ (``{dir}`` in args is its folder)
  args      command-line arguments (sizes shrunk through the program's own options)
  rtol      relative tolerance for printed numbers (Note [Comparing printed output]);
            0 means exact apart from one unit in the last printed decimal
  atol      absolute tolerance (for values that should be 0 and print as 1e-10)
  masks     regular expressions for wall-clock output (times, speeds)
  slow      runs longer than a few seconds under PyTorch
  before    (program, args) pairs run first in the same working directory under
            the same library (a training run whose checkpoint the program loads)
  copy      files or folders of the program's folder copied into the working
            directory first (programs that open them relative to it)
  differs   why the outputs are known to differ, or why the program fails under
            tensorcore (the test is an xfail then)
"""
from dataclasses import dataclass

_TIMES = (r"ms/batch\s+[\d.]+", r"time:\s+[\d.]+s")
_NANOGPT_TIMES = (r"time [\d.]+ms", r"mfu -?[\d.]+%")


@dataclass(frozen=True)
class Program:
    name: str
    program: str
    args: tuple = ()
    rtol: float = 0.0
    atol: float = 0.0
    masks: tuple = ()
    slow: bool = False
    timeout: int = 300
    before: tuple = ()
    copy: tuple = ()
    differs: str = ""


_WLM = ("--data", "{dir}/data/synthetic", "--epochs", "2", "--emsize", "32", "--nhid", "32",
        "--bptt", "10", "--batch_size", "8", "--log-interval", "10")

_GAN_ARGS = ("--n_epochs", "1", "--batch_size", "50", "--sample_interval", "10")
_GAN_SLOW = ("dcgan", "acgan")

_NANOGPT = ("--device=cpu", "--compile=False", "--dtype=float32", "--out_dir=out")
_NANOGPT_TRAIN = _NANOGPT + (
    "--dataset=synth", "--n_layer=2", "--n_head=2", "--n_embd=32", "--block_size=16", "--batch_size=4", "--max_iters=20",
    "--eval_interval=10", "--eval_iters=4", "--log_interval=5", "--warmup_iters=5", "--lr_decay_iters=20",
    "--gradient_accumulation_steps=2", "--always_save_checkpoint=True")

PROGRAMS = [
    # Float32 sums are not accumulated in PyTorch's order, so losses printed with
    # 6 decimals can differ in the last one or two digits.
    Program("regression", "regression.py",
            differs="stops at the first mini-batch loss < 1e-3; float32 sums are not accumulated "
                    "in PyTorch's order, the last-bit differences move the stopping batch "
                    "(820 vs 830) and so the learned coefficients (+7.77 vs +7.67)"),
    Program("time_sequence_prediction", "time_sequence_prediction.py", rtol=1e-9),
    Program("mnist", "mnist.py", rtol=1e-5, slow=True),
    Program("vae", "vae.py", rtol=1e-5, slow=True),
    Program("word_language_model_lstm", "word_language_model/main.py", _WLM + ("--lr", "5"),
            rtol=1e-4, masks=_TIMES, slow=True),
    Program("word_language_model_gru_tied", "word_language_model/main.py",
            _WLM + ("--model", "GRU", "--tied", "--lr", "2"), rtol=1e-4, masks=_TIMES, slow=True),
    Program("word_language_model_rnn_adamw", "word_language_model/main.py",
            _WLM + ("--model", "RNN_RELU", "--use-optimizer", "--lr", "0.01"), rtol=1e-4, masks=_TIMES,
            slow=True),
    Program("word_language_model_transformer", "word_language_model/main.py",
            _WLM + ("--model", "Transformer", "--lr", "1"), rtol=1e-4, masks=_TIMES, slow=True),
    Program("nanogpt_train_dropout", "nanogpt/train.py", _NANOGPT_TRAIN + ("--dropout=0.1",),
            rtol=1e-4, masks=_NANOGPT_TIMES, copy=("configurator.py",),
            before=(("nanogpt/make_data.py", ()),)),
    Program("nanogpt_train_then_sample", "nanogpt/sample.py",
            _NANOGPT + ("--num_samples=2", "--max_new_tokens=40", "--start=the"), rtol=1e-4,
            masks=_NANOGPT_TIMES, copy=("configurator.py",),
            before=(("nanogpt/make_data.py", ()), ("nanogpt/train.py", _NANOGPT_TRAIN))),
    Program("makemore_transformer", "makemore/makemore.py",
            ("-i", "{dir}/names.txt", "--type", "transformer", "--max-steps", "30", "--n-layer", "2",
             "--n-embd", "32", "--n-embd2", "32", "-b", "16", "-n", "2"),
            masks=(r"step time [\d.]+ms",), rtol=1e-4, slow=True),
    *[Program(f"makemore_{kind}", "makemore/makemore.py",
              ("-i", "{dir}/names.txt", "--type", kind, "--max-steps", "20", "--n-embd", "32", "--n-embd2", "32",
               "-b", "16", "-n", "0"), masks=(r"step time [\d.]+ms",), rtol=1e-4, slow=True)
      for kind in ("bigram", "mlp", "rnn", "gru", "bow")],
    Program("mingpt_adder", "minGPT/adder.py",
            ("--trainer.max_iters=31", "--model.model_type=None", "--model.n_layer=2", "--model.n_head=2",
             "--model.n_embd=32", "--trainer.num_workers=0", "--system.work_dir=out", "--trainer.batch_size=16"),
            masks=(r"iter_dt [\d.]+ms",), rtol=1e-4, slow=True),
    Program("pygat", "pyGAT/train.py", ("--epochs", "3", "--hidden", "4", "--nb_heads", "2"),
            before=(("pyGAT/make_data.py", ()),), rtol=1e-4,
            masks=(r"time: [\d.]+s", r"elapsed: [\d.]+s"), slow=True, timeout=900),
    Program("pygat_sparse", "pyGAT/train.py", ("--epochs", "2", "--hidden", "4", "--nb_heads", "2", "--sparse"),
            before=(("pyGAT/make_data.py", ()),), rtol=1e-4,
            masks=(r"time: [\d.]+s", r"elapsed: [\d.]+s"), slow=True, timeout=900),
    # pytorch/examples gcn and gat: sparse COO adjacency (sparse_coo_tensor, to_sparse, spmm, sparse @ dense);
    # the Cora download replaced by a synthetic ./cora written by cora_data.py first.
    Program("gcn_sparse", "gcn/main.py", ("--epochs", "30", "--val-every", "5"),
            before=(("gcn/cora_data.py", ()),), rtol=1e-4, masks=(r"\([\d.]+s\)",), slow=True),
    Program("gat_sparse_loader", "gat/main.py",
            ("--epochs", "10", "--val-every", "2", "--hidden-dim", "8", "--num-heads", "2"),
            before=(("gat/cora_data.py", ()),), rtol=1e-4, masks=(r"\([\d.]+s\)",), slow=True),
    # karpathy/ng-video-lecture gpt.py / bigram.py (hyperparameters shrunk in the file), input.txt copied in.
    Program("ngvl_gpt", "ng-video-lecture/gpt.py", copy=("input.txt",), rtol=1e-4, slow=True),
    Program("ngvl_bigram", "ng-video-lecture/bigram.py", copy=("input.txt",), rtol=1e-4, slow=True),
    Program("mnist_rnn", "mnist_rnn.py", ("--epochs", "2", "--log-interval", "2", "--test-batch-size", "64"),
            rtol=1e-5, slow=True),
    Program("dcgan_fake", "dcgan.py", ("--dataset", "fake", "--batchSize", "8", "--nz", "16", "--ngf", "8",
                                       "--ndf", "8", "--niter", "1", "--manualSeed", "5", "--workers", "0",
                                       "--outf", "out"), rtol=1e-4, slow=True),
    Program("mnist_forward_forward", "mnist_forward_forward.py",
            ("--epochs", "20", "--train_size", "64", "--test_size", "64", "--log-interval", "5"), rtol=1e-5,
            slow=True),
    Program("tutorial_tensorqs", "tutorials/tensorqs_tutorial.py",
            differs="torch.matmul(a, b, out=y3) and torch.mul(a, b, out=z3): out= is not accepted yet "
                    "(TypeError: method() got an unexpected keyword argument 'out'; the 'outfix' branch adds it)"),
    # Its fitted constant terms are ~1e-10 (zero up to rounding): compared to 1e-8 absolute.
    Program("tutorial_polynomial_custom_function", "tutorials/polynomial_custom_function.py", rtol=1e-5,
            atol=1e-8),
    Program("tutorial_dynamic_net", "tutorials/dynamic_net.py", rtol=1e-5, slow=True),
    # graykode/nlp-tutorial @ d05e31ec: epochs cut to 500 (printing every 100) where the original runs 5000+;
    # files named after the tutorial folders (1-1.NNLM/NNLM.py -> nlp_tutorial/nnlm.py, ...).
    *[Program(f"nlp_tutorial_{name}", f"nlp_tutorial/{name}.py", rtol=1e-4, slow=True)
      for name in ("nnlm", "word2vec", "textcnn", "textrnn", "textlstm", "seq2seq", "seq2seq_attn", "bilstm_attn")],
    Program("nlp_tutorial_bilstm", "nlp_tutorial/bilstm.py", rtol=1e-4, slow=True,
            differs="500 Adam steps on 27 float32 sequences: summation-order differences reach 3e-3 in the "
                    "loss by step 400 and flip the first predicted word"),
    Program("nlp_tutorial_transformer", "nlp_tutorial/transformer.py", rtol=1e-4, slow=True,
            differs="6-layer d_model=512 Transformer, Adam lr=1e-3 without warm-up: the loss jumps "
                    "2.4 -> 5.5 and float32 summation-order noise (1e-7 at step 1) is amplified past 1e-4 by "
                    "step 3; with float64 as the default dtype all 20 epochs match PyTorch"),
    Program("nlp_tutorial_bert", "nlp_tutorial/bert.py", rtol=1e-4, slow=True,
            differs="loss_lm.float() rounds the loss to float32 each step; with float64 as the default dtype "
                    "the runs agree to 1e-14 for 29 epochs, a float32 rounding flip at epoch 30 then grows "
                    "through the loss spikes to 1e-3 by epoch 40"),
    # hunkim/PyTorchZeroToAll @ e5a260fa (the scripts that need neither its data/ folder nor torchvision).
    *[Program(f"zerotoall_{name}", f"PyTorchZeroToAll/{name}.py", rtol=1e-5)
      for name in ("01_basics", "02_manual_gradient", "03_auto_gradient", "05_linear_regression",
                   "06_logistic_regression", "09_01_softmax_loss", "12_1_rnn_basics", "12_2_hello_rnn",
                   "12_4_hello_rnn_emb", "13_4_pack_pad")],
    # rasbt/LLMs-from-scratch @ 28c65cdf (ch04-ch05 main chapter code, GPT shrunk in the files to 2 layers of 64):
    # each chapter folder also holds a character-level tiktoken stand-in (tiktoken.py: code points,
    # <|endoftext|> = 50256, n_vocab 50257) since tiktoken and its BPE files are not available offline.
    Program("llms_from_scratch_ch04_gpt", "LLMs-from-scratch/ch04/gpt.py", rtol=1e-5),
    # Synthetic numpy GPT-2 parameters (TF checkpoint layout) instead of the download; top-k + multinomial sampling.
    Program("llms_from_scratch_ch05_generate", "LLMs-from-scratch/ch05/gpt_generate.py", rtol=1e-5,
            masks=(r"PyTorch: \S+",)),
    Program("llms_from_scratch_ch05_train", "LLMs-from-scratch/ch05/gpt_train.py", copy=("the-verdict.txt",),
            rtol=1e-4, slow=True),
    # karpathy/build-nanogpt @ 6104ab1b train_gpt2.py, tiny GPT, 6 steps; synthetic fineweb shards and HellaSwag
    # examples written by make_data.py first; samples its tokens from bfloat16 probabilities under autocast
    # (Note [multinomial of float16/bfloat16]).
    Program("build_nanogpt_train_gpt2", "build-nanogpt/train_gpt2.py", before=(("build-nanogpt/make_data.py", ()),),
            rtol=1e-4, masks=(r"dt: [\d.]+ms", r"tok/sec: [\d.]+"), slow=True,
            differs="under autocast the bfloat16 results of scaled_dot_product_attention (forward and backward) and "
                    "of layer_norm's backward differ from PyTorch's CPU kernels by one bfloat16 unit in 20-30% of "
                    "the elements, and float32 vector_norm of a large tensor is accumulated more exactly than "
                    "PyTorch's one-vector FMA loop: the printed gradient norms differ by 1e-4 and the sampled "
                    "text after the first tokens"),
    # pytorch/examples @ 77f55b91 super_resolution: synthetic BSDS300 images (make_data.py), DataLoader workers;
    # needs an offline torchvision stand-in (Compose/CenterCrop/Resize/ToTensor) on PYTHONPATH.
    Program("super_resolution", "super_resolution/main.py",
            ("--upscale_factor", "2", "--batchSize", "4", "--testBatchSize", "2", "--nEpochs", "2", "--lr", "0.001"),
            before=(("super_resolution/make_data.py", ()),), rtol=1e-4, slow=True),
    # kuangliu/pytorch-cifar @ 49b7aa97 models/ zoo (17 architectures) driven by zoo.py (written for the corpus:
    # each model's own test(), two SGD steps, eval output), in float64: in float32 batch-2 BatchNorm makes the
    # gradients ill-conditioned and both libraries sit about 1e-5 from the float64 values.
    Program("pytorch_cifar_zoo_float64", "pytorch-cifar/zoo.py", ("--f64",), rtol=1e-6, slow=True, timeout=600),
    # udacity/deep-learning-v2-pytorch @ c9404fc8 recurrent-neural-networks/char-rnn Character_Level_RNN_Solution
    # notebook's code cells as a script (the last expression of a cell printed as Jupyter shows it), data/anna.txt
    # cut to 30000 characters, 64 hidden units, 2 epochs of batch 16: weight.new(L, B, H).zero_() for the LSTM
    # state (Note [Tensor.new, the legacy constructor]), dropout of the batch_first LSTM's transposed output
    # (Note [Dropout mask in the input's layout]), gradient clipping, a torch.save/torch.load checkpoint
    # round trip and top-k sampling.
    Program("udacity_char_rnn", "udacity/char_rnn.py", copy=("data",), rtol=1e-4, slow=True),

    # --- realprog17 ---
    # yunjey/pytorch-tutorial @ 0500d3df (tutorials/01-basics .. 03-advanced), epochs and print intervals shrunk in
    # the files; torchvision is an offline stand-in in yunjey/torchvision (synthetic MNIST/CIFAR10 from class
    # templates plus noise, the transforms on numpy images drawing their randomness from torch's generator,
    # save_image building its grid with torch ops and writing .npy).
    *[Program(f"yunjey_{name}", f"yunjey/{name}.py", rtol=1e-5)
      for name in ("pytorch_basics", "linear_regression", "logistic_regression", "feedforward", "rnn", "birnn",
                   "gan", "vae")],
    # One of the 200 synthetic test images sits on the decision boundary: its prediction follows float32
    # summation order (96.0 vs 96.5 % accuracy); the printed losses agree to 4 decimals.
    Program("yunjey_cnn", "yunjey/cnn.py", rtol=1e-2),
    # Conv/BatchNorm ResNet trained with Adam: the first layers' gradients are ill-conditioned (in float32 both
    # libraries are 7e-4..1e-3 from the float64 gradient, tensorcore float64 equals PyTorch float64 to 2e-14), so
    # the losses drift apart by up to 4e-3 over 16 steps.
    Program("yunjey_resnet", "yunjey/resnet.py", rtol=1e-2, slow=True),
    # An LSTM language model on a synthetic corpus written by its make_data.py (data/ copied in); prints the
    # words sampled with torch.multinomial.
    Program("yunjey_language_model", "yunjey/language_model/main.py", copy=("data",), rtol=1e-5),
    # MorvanZhou/PyTorch-Tutorial @ dbe154a9 tutorial-contents, matplotlib on Agg, results printed where the
    # tutorial plots them ('corpus:' lines); optimizer and batch_normalization load with num_workers=2.
    *[Program(f"morvan_{name}", f"morvan/{name}.py", rtol=1e-5)
      for name in ("save_reload", "optimizer", "gan", "dropout")],
    # gym is an offline CartPole-v0 stand-in (morvan/gym); 34 episodes. Past ~4000 Adam steps float32 noise in the
    # TD losses (1e-5 by step 4400) flips a greedy action and the episodes part (episode 37 of 40).
    Program("morvan_dqn", "morvan/dqn.py", rtol=1e-5),
    # An RNN carrying its hidden state across 60 Adam steps: the first loss differs in the last bit (tanh/matmul
    # rounding) and the difference grows to 3.5e-4 by step 50.
    Program("morvan_rnn_regressor", "morvan/rnn_regressor.py", rtol=1e-3),
    Program("morvan_batch_normalization", "morvan/batch_normalization.py", rtol=1e-4,
            differs="8 tanh layers with BatchNorm (momentum 0.5) trained with Adam lr 0.03: float32 noise decides "
                    "the run; PyTorch itself with 2 threads instead of 1 gives 1100.95 instead of 1101.41 for the "
                    "second test loss of the BN net (tensorcore 1102.53); the net without BN agrees to 1e-7"),
    # jcjohnson/pytorch-examples @ 0003fcdc, unchanged: 500 steps of full-batch descent on random data; the loss
    # falls from 3e7 to 1e-5, so late losses are compared to 1e-3 absolute (PyTorch with 2 threads differs from
    # itself there too).
    *[Program(f"jcjohnson_{name}", f"jcjohnson/{name}.py", rtol=1e-4, atol=1e-3)
      for name in ("tensor_two_layer_net_tensor", "autograd_two_layer_net_autograd",
                   "autograd_two_layer_net_custom_function", "nn_two_layer_net_module", "nn_two_layer_net_nn",
                   "nn_two_layer_net_optim", "nn_dynamic_net")],
    # eriklindernoren/PyTorch-GAN @ 36d3c77e implementations/*, unchanged, shrunk through their options; the
    # offline torchvision stand-in beside them (pytorch_gan/torchvision, with Resize and save_image(normalize=True)).
    # wgan_gp: gradient penalty through autograd.grad(create_graph=True); wgan: weight clipping.
    *[Program(f"pytorch_gan_{name}", f"pytorch_gan/{name}.py", _GAN_ARGS, rtol=1e-4, slow=name in _GAN_SLOW)
      for name in ("wgan_gp", "wgan", "dcgan", "acgan", "cgan")],
    # Linear -> BatchNorm1d: the Linear bias gradient is 0 in exact arithmetic, float32 noise (1e-9) of either
    # library decides the sign of Adam's first step of lr on it; the losses drift by up to 1.2e-3 (aae) and
    # 1.1e-4 (infogan) over 20 steps.
    Program("pytorch_gan_aae", "pytorch_gan/aae.py", _GAN_ARGS, rtol=3e-3),
    Program("pytorch_gan_infogan", "pytorch_gan/infogan.py", _GAN_ARGS, rtol=1e-3, slow=True),
    # pytorch/tutorials intermediate_source (code only, prose comments dropped).
    Program("tutorial_pruning", "tutorials17/pruning_tutorial.py", rtol=1e-5, masks=(r" at 0x[0-9a-f]+",)),
    # Its torch.dist(X.T @ X, I) checks print values that are 0 up to rounding (1e-7): compared to 1e-6 absolute.
    Program("tutorial_parametrizations", "tutorials17/parametrizations_tutorial.py", rtol=1e-5, atol=1e-6),
    # torchviz.make_dot replaced by a print of grad_x and its grad_fn; gradcheck/gradgradcheck results printed.
    Program("tutorial_custom_function_double_backward", "tutorials17/double_backward_tutorial.py", rtol=1e-5),
    Program("tutorial_saved_tensors_hooks", "tutorials17/saved_tensors_hooks_tutorial.py", rtol=1e-5),
    # locuslab/TCN @ 2f8c2b81: weight_norm'd dilated causal Conv1d stacks; --cuda is store_false (CPU), sys.path made
    # relative to the program, the adding problem's 50000 sequences cut to 2000 in the file.
    Program("tcn_adding_problem", "TCN/TCN/adding_problem/add_test.py",
            ("--cuda", "--epochs", "2", "--levels", "4", "--seq_len", "50", "--log-interval", "10", "--nhid", "16"),
            rtol=1e-5),
    # RMSprop with gradient clipping over 313 batches: PyTorch run with 2 threads instead of 1 prints tensorcore's
    # losses and accuracies to 1e-7 (0.35881071 / 86.0563 at batch 200, test loss 0.3032559; 1-thread PyTorch
    # 0.35880754 / 86.0521, 0.30272797), so the entry allows the 1.7e-3 between PyTorch's own two runs.
    Program("tcn_copy_memory", "TCN/TCN/copy_memory/copymem_test.py",
            ("--cuda", "--epochs", "1", "--blank_len", "20", "--seq_len", "5", "--levels", "3", "--ksize", "4",
             "--log-interval", "50"), rtol=3e-3, masks=(r"ms/batch\s+[\d.]+",)),
    # karpathy/pytorch-made @ 81886ccc: masked autoencoder with order/connectivity resampling (numpy RandomState
    # masks in buffers), scheduler.step(epoch); synthetic binarized_mnist.npz from make_data.py, .cuda() dropped.
    Program("pytorch_made", "made/run.py", ("-d", "binarized_mnist.npz", "-q", "200,200", "-n", "2", "-r", "5", "-s", "2"),
            before=(("made/make_data.py", ()),), rtol=1e-5),

    # --- realprog20 ---
    # pytorch/examples @ 77f55b91 reinforcement_learning: 60 episodes (count(1) -> range(1, 61) in the files) on an offline
    # gymnasium CartPole-v1 stand-in (rl/gymnasium); Categorical sampling, torch.tensor(deque of returns), smooth_l1_loss.
    *[Program(f"rl_{name}", f"rl/{name}.py", ("--log-interval", "5"), rtol=1e-5)
      for name in ("reinforce", "actor_critic")],
    # tanelp/tiny-diffusion @ 726b6bb: a DDPM on 2D moons (sinusoidal embeddings, AdamW, clip_grad_norm_, the reverse
    # process sampled with randn_like); tqdm on stderr, the saved losses and sample frames printed ('corpus:' lines).
    Program("tiny_diffusion_ddpm", "tiny_diffusion/ddpm.py",
            ("--dataset", "moons", "--num_epochs", "2", "--eval_batch_size", "200"), rtol=1e-4),
    # rtqichen/torchdiffeq @ 657943a examples/ode_demo.py with its torchdiffeq package: an adaptive dopri5 neural ODE,
    # and through odeint_adjoint the adjoint method (autograd.grad of the dynamics inside an ODE solve). Past 15
    # iterations an accepted/rejected step flips with float32 rounding (iteration 20: 0.645979 vs 0.646008; with
    # float64 as the default dtype 40 iterations agree to the printed digits).
    *[Program(f"torchdiffeq_ode_demo{suffix}", "torchdiffeq/ode_demo.py",
              ("--data_size", "200", "--niters", "15", "--test_freq", "1") + extra, rtol=1e-5)
      for suffix, extra in (("", ()), ("_adjoint", ("--adjoint",)))],
    # karpathy/pytorch-normalizing-flows @ b60e119 nflib1.ipynb as a script with its nflib package: NSF coupling and
    # autoregressive splines (searchsorted, softplus, rational-quadratic bins), RealNVP, NICE, MAF/IAF (MADE masks),
    # Glow's Invertible1x1Conv (torch.lu + lu_unpack), ActNorm data-dependent init, a logistic prior
    # (TransformedDistribution of Uniform by SigmoidTransform().inv) or MultivariateNormal; 100 Adam steps each.
    *[Program(f"nflows_{flow}", "nflows/nflib1.py", (flow,), rtol=1e-4)
      for flow in ("nsf_cl", "nsf_ar", "realnvp", "nice", "slowmaf", "maf", "iaf", "glow")],
    # seungeunrho/minimalRL @ c8efed8: single-file RL algorithms on an offline gym CartPole-v1 / Pendulum-v1 stand-in
    # (minimalrl/gym), episodes cut in the files: REINFORCE, actor-critic, DQN (replay buffer), PPO, PPO-LSTM, V-trace,
    # ACER (Categorical), DDPG (Ornstein-Uhlenbeck noise, soft updates), SAC (Normal rsample, learnable alpha) and PPO
    # with a continuous Normal policy.
    *[Program(f"minimalrl_{name.replace('-', '_').lower()}", f"minimalrl/{name}.py", rtol=1e-5)
      for name in ("REINFORCE", "actor_critic", "dqn", "ppo", "ppo-lstm", "vtrace", "acer", "ddpg", "sac",
                   "ppo-continuous")],
    # karpathy/nn-zero-to-hero @ 73c3fcc lectures/makemore notebooks as scripts (the last expression of a cell printed as
    # Jupyter shows it), on a synthetic names.txt (zero_to_hero/make_names.py), 2000 training steps instead of 200000:
    # part 3 (BatchNorm by hand, Kaiming init statistics, torch.histogram, hand-made Linear/BatchNorm1d/Tanh layers
    # with per-layer update ratios), part 5 (a WaveNet-style hierarchy of FlattenConsecutive layers).
    Program("zero_to_hero_makemore_part3_bn", "zero_to_hero/makemore_part3_bn.py", copy=("names.txt",), rtol=1e-5,
            masks=(r" at 0x[0-9a-f]+",)),
    Program("zero_to_hero_makemore_part5_cnn1", "zero_to_hero/makemore_part5_cnn1.py", copy=("names.txt",), rtol=1e-5,
            masks=(r" at 0x[0-9a-f]+",)),
    # Part 4 compares a hand-written backward pass with autograd bit for bit ('exact: True/False').
    Program("zero_to_hero_makemore_part4_backprop", "zero_to_hero/makemore_part4_backprop.py", copy=("names.txt",),
            rtol=1e-5, masks=(r" at 0x[0-9a-f]+",),
            differs="the 'exact: True/False' verdicts now match PyTorch's (tanh's gradient is rounded as PyTorch's "
                    "fused kernel, Note [Rounded as PyTorch]), but the printed maxdiff values (1e-10..1e-8, the size "
                    "of the hand-written backward's own rounding) differ: the forward tanh/exp/log values are not "
                    "bit-identical to PyTorch's, and the differences cascade into every later comparison"),
    # MishaLaskin/vqvae @ d761a99 main.py: a VQ-VAE (strided Conv2d/ConvTranspose2d encoder/decoder with residual
    # stacks, nearest-codebook argmin + scatter_ one-hot, straight-through z + (z_q - z).detach(), perplexity), Adam
    # with amsgrad; torchvision is the offline synthetic-CIFAR10 stand-in beside it (with the old .train_data name).
    Program("vqvae", "vqvae/main.py", ("--n_updates", "40", "--log_interval", "10", "--n_hiddens", "32",
                                       "--n_residual_hiddens", "8", "--embedding_dim", "16", "--n_embeddings", "64",
                                       "--batch_size", "16"), rtol=1e-4),
    # harvardnlp/annotated-transformer @ debc9fd the_annotated_transformer.py Parts 1-2: ten untrained-model greedy
    # decodes, then the copy task (LabelSmoothing/KLDivLoss, Noam LambdaLR warm-up, masks, greedy decoding) for 2
    # epochs; torchtext/spacy/altair imports and the chart-only cells commented out in the file.
    Program("annotated_transformer_copy_task", "annotated_transformer/the_annotated_transformer.py", rtol=1e-4,
            masks=(r"Tokens / Sec:\s+[\d.]+",), slow=True, timeout=600),
    # Atcold/NYU-DLSP20 @ 3049c83 notebooks as scripts (the last expression of a cell printed as Jupyter shows it),
    # res/ (plot_lib, sequential_tasks, ziegler.png) copied in: space stretching by random matrices, autograd,
    # spiral classification, regression ensembles, echo-data RNN (truncated BPTT), MC-dropout Bayesian net, the
    # truck backer-upper (emulator + controller through time), projections, custom autograd Functions.
    *[Program(f"nyu_dlsp20_{name}", f"nyu_dlsp20/{name}.py", copy=("res",), rtol=1e-5, masks=(r" at 0x[0-9a-f]+",))
      for name in ("02_space_stretching", "03_autograd_tutorial", "04_spiral_classification", "05_regression",
                   "09_echo_data", "13_bayesian_nn", "14_truck_backer_upper", "a_projections", "b_custom_grads")],
    Program("nyu_dlsp20_08_seq_classification", "nyu_dlsp20/08_seq_classification.py", copy=("res",), rtol=1e-4,
            masks=(r" at 0x[0-9a-f]+",), slow=True,
            differs="the last of its four 100-epoch runs (a 4-unit LSTM, RMSprop, hard QRSU sequences) is chaotic: "
                    "even with float64 as the default dtype the parameters of the two libraries, 1e-16 apart for "
                    "3800 steps, separate by a factor ~10 every 5 steps from then on (1e-2 by step 3935), so the "
                    "final accuracy prints 92.34% vs 99.60%; the first three runs agree to the printed digits"),
]

# --- realprog21 ---
# lucidrains/vit-pytorch @ 69d24fe9 vit_pytorch/ (unchanged) driven by vit/zoo.py (written for the corpus): 35 ViT
# variants from the README built tiny (32x32 synthetic images, dim 32), eval logits + 3 Adam steps each; einops
# rearrange/repeat/reduce/pack/unpack and einops.layers.torch Rearrange/Reduce on tensorcore tensors, einsum,
# nn.Unfold (T2T), depthwise convs, talking heads, parametrize (normalized_vit), fft2 (simple_vit_with_fft).
PROGRAMS += [
    Program("vit_pytorch_zoo", "vit/zoo.py", rtol=1e-4),
    # The README's training wrappers: MAE, DistillableViT + DistillWrapper (soft, hard), Recorder, Extractor.
    Program("vit_pytorch_ssl", "vit/ssl.py", rtol=1e-4),
]

# karpathy/llama2.c @ 350e04fe train.py / sample.py / model.py / export.py unchanged, on synthetic TinyStories-like
# shards and a 512-piece sentencepiece model (llama2c/make_data.py; needs the sentencepiece and requests packages):
# RMSNorm, real-valued RoPE, grouped-query attention (n_kv_heads=2, repeat_kv), F.scaled_dot_product_attention
# (is_causal), SwiGLU, weight tying, AdamW param groups with fused= probed via inspect, cosine LR, IterableDataset
# DataLoader, checkpoint + model.bin export (struct-packed weights), then sampling with top-k from the checkpoint.
_LLAMA2C = ("--device=cpu", "--compile=False", "--dtype=float32", "--out_dir=out")
_LLAMA2C_TRAIN = _LLAMA2C + (
    "--vocab_source=custom", "--vocab_size=512", "--dim=32", "--n_layers=2", "--n_heads=4", "--n_kv_heads=2",
    "--multiple_of=16", "--max_seq_len=32", "--batch_size=4", "--gradient_accumulation_steps=2", "--max_iters=20",
    "--eval_interval=10", "--eval_iters=3", "--warmup_iters=5", "--always_save_checkpoint=True")
_LLAMA2C_TIMES = (r"[\d.]+ms \| mfu -?[\d.]+%",)
PROGRAMS += [
    Program("llama2c_train", "llama2c/train.py", _LLAMA2C_TRAIN, rtol=1e-4, masks=_LLAMA2C_TIMES,
            copy=("configurator.py",), before=(("llama2c/make_data.py", ()),)),
    Program("llama2c_train_dropout_then_sample", "llama2c/sample.py",
            ("--checkpoint=out/ckpt.pt", "--num_samples=2", "--max_new_tokens=30", "--start=Once", "--top_k=20",
             "--device=cpu"), rtol=1e-4, masks=_LLAMA2C_TIMES, copy=("configurator.py",),
            before=(("llama2c/make_data.py", ()), ("llama2c/train.py", _LLAMA2C_TRAIN + ("--dropout=0.1",)))),
    # export.py --version 2: Q8_0 group quantization of the trained checkpoint (abs().max, round, int8, the
    # per-group error printed), then --version 1 (fp32, header struct) of the same checkpoint.
    *[Program(f"llama2c_export_v{version}", "llama2c/export.py", (f"out/model_v{version}.bin", "--version", str(version),
                                                                    "--checkpoint", "out/ckpt.pt"),
              rtol=1e-4, masks=_LLAMA2C_TIMES, copy=("configurator.py",),
              before=(("llama2c/make_data.py", ()), ("llama2c/train.py", _LLAMA2C_TRAIN))) for version in (1, 2)],
]

# cccntu/minLoRA @ d47a4c93 demo.ipynb and advanced_usage.ipynb as scripts (the last expression of a cell printed as
# Jupyter shows it) with its minlora package (one line changed for PyTorch 2.13, minlora/README_CORPUS): LoRA through
# torch.nn.utils.parametrize on Linear / Embedding, state_dict round trips with strict=False, merge_lora
# (remove_parametrizations(leave_parametrized=True), which set_s the original: a state_dict taken before keeps the old
# weight), several LoRAs swapped in as Parameters, weights tied across parametrizations.
PROGRAMS += [Program(f"minlora_{name}", f"minlora/{name}.py") for name in ("demo", "advanced_usage")]

# lucidrains/denoising-diffusion-pytorch @ faed4db2 (package unchanged) + lucidrains' ema-pytorch 0.8.3 (PyPI wheel),
# driven by ddpm_lucidrains/ddpm.py (written for the corpus, after the README): Unet + GaussianDiffusion trained with an
# EMA copy, DDPM and DDIM sampling, with and without flash attention (its Attend checks
# version.parse(torch.__version__) >= 2.0), Unet1D/GaussianDiffusion1D, ElucidatedDiffusion, KarrasUnet, XMWrapper;
# tqdm progress bars on stderr. Offline stand-ins for torchvision (transforms only) and accelerate (Trainer unused).
PROGRAMS += [Program("denoising_diffusion_lucidrains", "ddpm_lucidrains/ddpm.py", rtol=1e-4)]

# lucidrains/x-transformers @ 9252ed78 train_copy.py (constants shrunk in the file) with its x_transformers package
# unchanged (needs einops, einx, loguru and torch-einops-utils from PyPI): an encoder-decoder XTransformer with tied
# embeddings and cog-signed attention learning to copy, generate() every 10 batches; loss.item() printed in full.
PROGRAMS += [Program("x_transformers_train_copy", "x_transformers/train_copy.py", rtol=1e-4)]

# rasbt/LLMs-from-scratch @ 28c65cdf appendix-D notebook as a script (GPT shrunk in its config cell, 2 epochs): linear
# warmup + cosine decay by hand, clip_grad_norm_, AdamW, greedy sampling; tiktoken.py is a character-level stand-in.
PROGRAMS += [Program("llms_from_scratch_appendix_d", "llms_appendix_d/appendix_d.py", copy=("the-verdict.txt",),
                     rtol=1e-4, slow=True)]

# arogozhnikov/einops @ ccb89f27 (0.9.0dev) with its own test suite, unchanged, run in-process by pytest for the numpy
# and torch backends (einops_tests/run_tests.py, written for the corpus): einops' torch backend, einops.layers.torch
# (Rearrange/Reduce/EinMix in nn.Sequential, state_dict, pickling, torch.jit.script), einsum, pack/unpack, gradients,
# torch.compile(fullgraph=True, dynamic=...) with torch._dynamo.config. Slow under PyTorch (its compile tests).
PROGRAMS += [Program("einops_test_suite", "einops_tests/run_tests.py", masks=(r"in [\d.]+s( \(\d+:\d+:\d+\))?",),
                     slow=True, timeout=600)]

# --- realprog22 ---
# johnma2006/mamba-minimal @ 03de542a model.py (unchanged) driven by mamba_minimal/demo.py (the demo notebook's
# generate() unchanged; a tiny random Mamba and a byte tokenizer instead of the 370m download, 15 AdamW steps added):
# selective scan with einsum/softplus/exp, depthwise causal Conv1d, RMSNorm, tied embeddings, top-k + multinomial.
PROGRAMS += [Program("mamba_minimal_demo", "mamba_minimal/demo.py", rtol=1e-5)]

# Blealtan/efficient-kan @ 7b6ce1c8 examples/mnist.py (2 epochs, synthetic MNIST stand-in, tqdm disabled) with its
# efficient_kan package unchanged: B-spline bases, the grid's torch.linalg.lstsq curve fit in reset_parameters,
# AdamW + ExponentialLR. (Its tests/test_simple_math.py is not an entry: with LBFGS the run diverges under PyTorch
# itself, to NaN and then a lstsq RuntimeError, and the trajectory is chaotic; tensorcore now raises that same error.)
PROGRAMS += [Program("efficient_kan_mnist", "efficient_kan/mnist.py", rtol=1e-5)]

# Liuhong99/Sophia @ a7e15722 train_sophiag.py (unchanged; nanoGPT-style, SophiaG's update_hessian every hess_interval
# steps from a Categorical sample of the logits, state_dict()['state'] scans), on synthetic token shards
# (sophia/make_data.py, written for the corpus); sizes through its configurator.
_SOPHIA = ("--device=cpu", "--compile=False", "--dtype=float32", "--dataset=synth", "--n_layer=2", "--n_head=2",
           "--n_embd=32", "--block_size=16", "--batch_size=4", "--max_iters=12", "--eval_interval=10",
           "--eval_iters=2", "--gradient_accumulation_steps=1", "--warmup_iters=2", "--lr_decay_iters=12",
           "--hess_interval=5", "--total_bs=32", "--log_interval=1", "--learning_rate=1e-3")
PROGRAMS += [Program("sophia_train_sophiag", "sophia/train_sophiag.py", _SOPHIA, rtol=1e-4, masks=_NANOGPT_TIMES,
                     copy=("configurator.py",), before=(("sophia/make_data.py", ()),))]

# lucidrains/lion-pytorch @ 6a74fdc0 (package unchanged) driven by lion/train.py (written for the corpus, after the
# README): Lion, decoupled weight decay, the foreach Lion (torch._foreach_mul_/lerp_/sign_/add_), cautious Lion,
# closures, CosineAnnealingLR, optimizer state_dict round trips.
PROGRAMS += [Program("lion_pytorch_variants", "lion/train.py", rtol=1e-5)]

# jettify/pytorch-optimizer @ 19c3e419, the torch_optimizer package (29 Optimizer subclasses: Adahessian, Shampoo,
# Lookahead, RAdam, Lamb, ...) with its own test suite unchanged, run in-process by pytest (torch_optimizer/run_tests.py,
# written for the corpus; needs pytorch_ranger from PyPI). 182 of its 388 tests fail under PyTorch 2.13 itself (old
# assumptions); tensorcore fails the same ones plus two.
PROGRAMS += [Program("torch_optimizer_test_suite", "torch_optimizer/run_tests.py",
                     masks=(r"in [\d.]+s( \(\d+:\d+:\d+\))?",), slow=True,
                     differs="Adahessian and Lookahead with create_graph=True fail: after backward(create_graph=True) "
                             "a parameter's .grad is stored as the backward's own tensor, which may be a view, so "
                             "grad.detach_() raises 'Can't detach views in-place'; PyTorch stores a clone "
                             "(csrc/autograd/engine.cpp accumulate: clone g when grad mode is on)")]

# pytorch/tutorials torch.func tutorials (intermediate_source, prose comments removed, cuda -> cpu, Timer runs
# lowered, value prints added at the end): vmap(grad(functional_call)) per-sample gradients of a CNN, NTKs by
# jacrev contraction and by vjp/jvp under nested vmap, the Jacobian/Hessian tutorial, model ensembling with
# stack_module_state. torch.utils.benchmark Timer output is masked (wall-clock).
_TIMER_MASKS = (r"object at 0x[0-9a-f]+", r"(?m)^  (Median: )?[\d.]+ (?:ns|us|ms|s)$",
                r"(?m)^  IQR: .*$", r"\d+ measurements?, \d+ runs", r"delta: [\d.]+ percent")
PROGRAMS += [
    Program("tutorial_per_sample_grads", "func_tutorials/per_sample_grads.py", rtol=1e-4, masks=_TIMER_MASKS,
            slow=True),
    Program("tutorial_neural_tangent_kernels", "func_tutorials/neural_tangent_kernels.py", rtol=1e-4),
    Program("tutorial_jacobians_hessians", "func_tutorials/jacobians_hessians.py", rtol=1e-4, masks=_TIMER_MASKS,
            differs="its assert allclose(vmap(jacrev(predict)), jacrev(summed predict)) fails: per sample, "
                    "F.linear is a matrix-vector product (gemm_impl.h gemv: vectorized dot products) and batched "
                    "a packed GEMM (one FMA chain per element), so z differs in the last bits, which tanh "
                    "amplifies near saturation; PyTorch's two paths agree bit for bit here. (Its earlier "
                    "jacrev-vs-autograd assert, the create_graph tanh backward, passes since stop 19.)"),
    Program("tutorial_ensembling", "func_tutorials/ensembling.py", rtol=1e-4, masks=_TIMER_MASKS,
            differs="base_model.to('meta'): tensorcore has no meta device (a C++ backend)"),
]

# lucidrains/PaLM-pytorch @ 7164d13d train.py (the non-triton PaLM, constants and model shrunk in the file, .cuda()
# removed) with its palm_pytorch package unchanged, on a synthetic enwik8 stand-in (palm/make_data.py): parallel
# attention + SwiGLU blocks, rotary embeddings, multi-query attention, tied embeddings, gradient accumulation,
# clip_grad_norm_, AutoregressiveWrapper.generate with top-k filtering and multinomial sampling.
PROGRAMS += [Program("palm_pytorch_train", "palm/train.py", rtol=1e-4, before=(("palm/make_data.py", ()),))]

# lucidrains/perceiver-pytorch @ 96097c6a, the README's usage examples as one driver (perceiver/readme.py, written for
# the corpus; package unchanged, sizes shrunk): Perceiver with Fourier-encoded image axes, PerceiverIO with structured
# sequence dropout and decoder queries, PerceiverLM with a mask, the gated / mixed-latents / experimental variants
# (the experimental one raises RuntimeError under both), weight-tied layers trained with AdamW, the LM with Adam.
PROGRAMS += [Program("perceiver_pytorch_readme", "perceiver/readme.py", rtol=1e-4)]

# alxndrTL/mamba.py @ 2cc168c7 tests/compare_seq_pscan.py on the CPU with the mambapy package unchanged (onnx/ left
# out); added in the file: the gradients of the parallel scan (a custom autograd.Function working in place on strided
# views of padded tensors) against the sequential scan, and a few steps of the package's LM with its
# configure_optimizers, then greedy generate().
PROGRAMS += [Program("mambapy_pscan_vs_seq", "mambapy/compare_seq_pscan.py", rtol=1e-4)]

# --- realprog23 ---
# milesial/Pytorch-UNet @ 21d7850f unet/, utils/dice_score.py and evaluate.py unchanged, driven by unet/train_tiny.py
# (written for the corpus: train.py's loop on synthetic 32x32 blob masks, 3 steps each for bilinear=False/True and
# n_classes=1): channels_last, RMSprop(foreach=True), ReduceLROnPlateau, GradScaler(enabled=False), clip_grad_norm_,
# CE + dice loss, evaluate() under inference_mode. In float64 (--f64): RMSprop's first steps are sign-like and
# batch-2 BatchNorm is ill-conditioned, so float32 runs of two correct libraries part by 1e-3 within 3 steps.
PROGRAMS += [Program("pytorch_unet_train", "unet/train_tiny.py", ("--f64",), rtol=1e-5, slow=True)]

# microsoft/Swin-Transformer @ f82860bf models/swin_transformer.py, swin_transformer_v2.py, swin_mlp.py and
# optimizer.py unchanged (timm/ an offline stand-in written for the corpus), driven by swin/zoo.py: shifted windows
# (torch.roll, window partition/reverse, the -100 attention mask), relative position bias, V2's continuous position
# bias MLP and cosine attention, Swin-MLP's grouped Conv1d, gradient checkpointing; build_optimizer's AdamW groups.
PROGRAMS += [Program("swin_transformer_zoo", "swin/zoo.py", rtol=1e-5)]

# facebookresearch/ConvNeXt @ 048efcea models/convnext.py and convnext_isotropic.py unchanged (timm stand-in),
# driven by convnext/zoo.py: 7x7 depthwise convs, channels_first LayerNorm, layer scale, drop path, engine.py's
# per-iteration cosine lr / wd assignment, AdamW, label smoothing. Adam's sign-like first steps on the 1e-6 layer
# scale put its printed gamma values 6e-5 apart (PyTorch's float32 sqrt is not correctly rounded, ours is).
PROGRAMS += [Program("convnext_zoo", "convnext/zoo.py", rtol=1e-4)]

# facebookresearch/DiT @ ed81ce22 models.py and diffusion/ unchanged (timm stand-in: PatchEmbed, Attention on
# F.scaled_dot_product_attention, Mlp), driven by dit/train_sample.py: adaLN-Zero blocks, sincos position embedding,
# label dropout, GaussianDiffusion training_losses (MSE + learned-sigma VB, and the KL loss), EMA, respaced
# p_sample_loop with classifier-free guidance, ddim_sample_loop, calc_bpd_loop.
PROGRAMS += [Program("dit_train_sample", "dit/train_sample.py", rtol=1e-5)]

# openai/CLIP @ d05afc43 clip/model.py unchanged, driven by clip/run_clip.py: randomly initialised tiny ModifiedResNet
# (AttentionPool2d through F.multi_head_attention_forward) and ViT towers, the causal text Transformer, contrastive
# training with logit_scale clamping, build_model(state_dict) with convert_weights to float16 and fp16 encoders.
PROGRAMS += [Program("openai_clip_random_weights", "clip/run_clip.py", rtol=1e-4)]

# tkipf/pygcn @ 1600b5b7 pygcn/ unchanged, run by pygcn/train_gcn.py (a launcher: the package importable, the hash
# seed fixed because encode_onehot numbers classes in set order) on a synthetic Cora written by pygcn/make_data.py:
# torch.sparse.FloatTensor adjacency, torch.spmm, Adam with weight decay, dropout.
PROGRAMS += [Program("pygcn_train", "pygcn/train_gcn.py", ("--epochs", "30"), before=(("pygcn/make_data.py", ()),),
                     rtol=1e-4, masks=(r"time: [\d.]+s", r"elapsed: [\d.]+s"))]

# yenchenlin/nerf-pytorch @ 63a5a630 run_nerf.py and run_nerf_helpers.py unchanged (needs configargparse from PyPI),
# driven by nerf/train_tiny.py (loaders and imageio stubbed): positional encoding, batchified coarse + fine MLPs,
# raw2outputs volume rendering with raw noise, hierarchical sample_pdf (searchsorted), get_rays with center crops,
# lr decay, a checkpoint reload through create_nerf, NDC and lindisp renders of a whole image.
PROGRAMS += [Program("nerf_pytorch_tiny", "nerf/train_tiny.py", rtol=1e-4)]

# bentrevett/pytorch-seq2seq @ b3cd54c7 notebooks 1-3 as scripts (seq2seq/, offline datasets/spacy/torchtext/evaluate
# stand-ins in seq2seq/standins, a synthetic German-English corpus): LSTM, GRU-with-context and Bahdanau-attention
# encoder-decoders with teacher forcing (random.random), shuffled DataLoader with pad_sequence, clip_grad_norm_,
# torch.save/load of the best model, greedy translation, BLEU.
PROGRAMS += [Program(f"seq2seq_{name}", f"seq2seq/{name}.py", rtol=1e-4, slow=True)
             for name in ("tut1_seq2seq_lstm", "tut2_seq2seq_gru", "tut3_seq2seq_attention")]

# pytorch/examples @ 77f55b91 siamese_network/main.py unchanged (offline torchvision stand-in in siamese/torchvision:
# synthetic MNIST tensors, ResNet-18), --dry-run: one Adadelta step per epoch with StepLR, BCELoss on the sigmoid of
# two ResNet-18 towers, random positive/negative pairs. Without --dry-run the float32 run is chaotic under PyTorch
# itself (Adadelta's sign-like first steps on a saturated BCELoss: PyTorch float32 vs float64 losses 31.3 vs 8.7 at
# step 2), so two correct libraries part after a few steps.
PROGRAMS += [Program("siamese_network_dry_run", "siamese/main.py",
                     ("--epochs", "2", "--batch-size", "32", "--test-batch-size", "64", "--dry-run"), rtol=1e-4,
                     slow=True)]

# facebookresearch/mae @ efb2a806 models_mae.py, util/pos_embed.py (np.float -> np.float64, NumPy 1.24) and
# util/lr_sched.py, driven by mae/pretrain_tiny.py (engine_pretrain's loop without util/misc.py, which imports
# torch._six; timm stand-in with Block): random masking by argsort of noise + gather, mask tokens unshuffled,
# reshape(shape=...) patchify with einsum, norm_pix_loss, per-iteration cosine lr, gradient accumulation, AdamW groups.
PROGRAMS += [Program("mae_pretrain_tiny", "mae/pretrain_tiny.py", rtol=1e-5)]

# facebookresearch/detr @ 29901c51 models/ and util/ unchanged (offline torchvision stand-in in detr/torchvision:
# ResNet-18 with norm_layer, IntermediateLayerGetter, box_area), driven by detr/train_tiny.py: models.build_model with
# main.py's argument names (shrunk), NestedTensor padding masks, FrozenBatchNorm2d, sine/learned position encodings,
# the encoder-decoder Transformer (key_padding_mask, pre-norm), Hungarian matching with scipy, SetCriterion (CE with
# eos weight, L1, GIoU, cardinality, aux losses), backbone/non-backbone AdamW groups, StepLR, PostProcess.
PROGRAMS += [Program("detr_train_tiny", "detr/train_tiny.py", rtol=1e-4, slow=True)]

# pytorch/tutorials @ c53e7d4e intermediate_source/spatial_transformer_tutorial.py (code only; the offline torchvision
# stand-in in stn/torchvision with synthetic MNIST, 2 epochs, a loss line every 5 batches, num_workers 2):
# F.affine_grid + F.grid_sample (default align_corners, warned), Dropout2d, nll_loss(size_average=False), make_grid.
# Before realprog23 the losses parted from the 5th step: affine_grid's GEMM and grid_sample's unfused interpolation
# differed from PyTorch's kernels in the last bits (now bit for bit). Compared single-threaded as every entry is
# (OMP_NUM_THREADS=1): with more threads PyTorch's own reductions change its trajectory at 1e-5 after 10 steps.
PROGRAMS += [Program("tutorial_spatial_transformer", "stn/spatial_transformer_tutorial.py", rtol=1e-4, slow=True)]

# pytorch/examples @ 77f55b91 fast_neural_style/neural_style/ unchanged (offline torchvision stand-in in
# fast_neural_style/torchvision: ImageFolder, PIL transforms, a randomly initialised VGG-16; synthetic images from
# fast_neural_style/make_data.py): TransformerNet (ReflectionPad2d, InstanceNorm2d(affine), nearest upsampling),
# VGG-16 relu features, Gram matrices by bmm, MSE content + style losses with Adam, a checkpoint reloaded by `eval`
# (deprecated InstanceNorm running_* keys dropped) to stylise an image, summarised by show_output.py.
_FNS_TRAIN = ("train", "--dataset", "train", "--style-image", "style.png", "--save-model-dir", "models",
              "--checkpoint-model-dir", "ckpt", "--checkpoint-interval", "4", "--epochs", "1", "--batch-size", "2",
              "--image-size", "32", "--log-interval", "1")
_FNS_EVAL = ("eval", "--content-image", "content.png", "--model", "ckpt/ckpt_epoch_0_batch_id_4.pth",
             "--output-image", "stylized.png")
PROGRAMS += [Program("fast_neural_style_train_eval", "fast_neural_style/show_output.py", rtol=1e-4, slow=True,
                     masks=(r"\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}", r"epoch_1_[\d_-]+_"),
                     before=(("fast_neural_style/make_data.py", ()), ("fast_neural_style/neural_style.py", _FNS_TRAIN),
                             ("fast_neural_style/neural_style.py", _FNS_EVAL)))]

# --- realprog25 ---
# AntixK/PyTorch-VAE @ a6896b94 models/ and configs/ unchanged (torchvision.models.vgg19_bn an offline random-weight
# stand-in for DFCVAE), driven by pytorch_vae/zoo.py (experiment.py's training_step / configure_optimizers by hand on
# synthetic 64x64 images): every config's model, 2 Adam + ExponentialLR steps (FactorVAE's second optimizer on its
# discriminator), validation loss, generate(), sample(). In float64 (--f64): Adam's sign-like first steps on
# near-zero gradients part float32 runs of two correct libraries by 1e-2 within two steps. Four models build float32
# tensors themselves and LVAE diverges at step 1 (PyTorch's own result moves with its thread count): the driver
# skips them under --f64 and says so; IWAE fails in both libraries (.view of a permuted tensor).
PROGRAMS += [Program("pytorch_vae_zoo", "pytorch_vae/zoo.py", ("--f64",), rtol=1e-6, slow=True)]

# lucidrains/rotary-embedding-torch @ 8bb4643d rotary_embedding_torch/ unchanged, driven by rotary/readme.py: the
# README's examples (rotate_queries_or_keys, cached keys with offsets, axial pixel frequencies, XPos scales,
# interpolate_factor, constant frequencies) at shrunk lengths, a tiny rotary-attention LM (SDPA is_causal, learned
# frequencies) trained by Adam, and a bfloat16 CPU autocast forward.
PROGRAMS += [Program("rotary_embedding_readme", "rotary/readme.py", rtol=1e-5)]

# nikhilbarhate99/PPO-PyTorch @ 728cce83 PPO.py unchanged, train.py / test.py with the hyperparameter block shrunk and
# the environment from argv (an old-API gym stand-in in ppo_pytorch/gym: CartPole-v1 and a seeded linear
# "RoboschoolWalker2d-v1" with a 3-d continuous action): MultivariateNormal with diag_embed covariances, Categorical,
# clipped surrogate loss over K epochs, action-std decay, policy_old.load_state_dict, torch.save and
# torch.load(map_location=lambda storage, loc: storage) of the checkpoint that test.py then runs.
_PPO_TIMES = (r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", r"\d+:\d\d:\d\d")
PROGRAMS += [Program("ppo_pytorch_train_test", "ppo_pytorch/test.py", ("CartPole-v1",), rtol=1e-5, masks=_PPO_TIMES,
                     before=(("ppo_pytorch/train.py", ()), ("ppo_pytorch/test.py", ()),
                             ("ppo_pytorch/train.py", ("CartPole-v1",))))]

# guoyang9/NCF @ 89ff06ff model.py and data_utils.py unchanged; main.py / evaluate.py without .cuda(), seeded, the
# last batch loss of each epoch printed, weights_only=False on NeuMF-pre's loads of whole pickled modules
# (config.py takes the model from $NCF_MODEL; pandas.read_csv and tensorboardX offline stand-ins; a synthetic
# ml-1m from ncf/make_data.py): GMF, MLP, then NeuMF-pre built from their torch.save'd modules; a shuffled
# DataLoader with 4 worker processes, BCEWithLogitsLoss, topk + take for HR/NDCG.
_NCF = ("--epochs", "3", "--batch_size", "64", "--factor_num", "8", "--num_layers", "2", "--test_num_ng", "49",
        "--lr", "0.01")
PROGRAMS += [Program("ncf_gmf_mlp_neumf_pre", "ncf/run_models.py", _NCF, rtol=1e-5,
                     masks=(r"is: \d\d: \d\d: \d\d",), before=(("ncf/make_data.py", ()),))]

# pytorch/examples @ 77f55b91 mnist_hogwild/ unchanged (the corpus's offline synthetic-MNIST torchvision stand-in):
# mp.set_start_method('spawn'), model.share_memory(), training in a torch.multiprocessing.Process, the parent
# testing the model its child trained. One process: with several, hogwild's races make the losses nondeterministic
# under PyTorch itself. The spawned child needs the torch alias too (Note [torch alias in spawned processes]).
PROGRAMS += [Program("mnist_hogwild_spawn", "mnist_hogwild/main.py",
                     ("--epochs", "2", "--num-processes", "1", "--log-interval", "5", "--save_model"), rtol=1e-5,
                     masks=(r"\d+(?=\tTrain Epoch)",))]

# facebookresearch/dlrm @ 090956ee dlrm_s_pytorch.py (one edit: a no-op SummaryWriter when tensorboard is absent) with
# dlrm_data_pytorch.py, tricks/ and optim/ unchanged, on its random synthetic data: EmbeddingBag(sparse=True) tables
# (sparse gradients for SGD and Adagrad), dot / cat feature interaction, quotient-remainder embeddings, bce loss,
# --save-model. Before realprog25 it failed at import (torch._ops, torch.nn.parallel.parallel_apply) and at
# EmbeddingBag(sparse=True).
_DLRM = ("--mini-batch-size=4", "--data-size=64", "--print-freq=4", "--test-freq=8", "--arch-sparse-feature-size=4",
         "--arch-mlp-bot=6-8-4", "--arch-embedding-size=20-30-40", "--num-indices-per-lookup=3",
         "--loss-function=bce", "--round-targets=True", "--print-precision=6")
PROGRAMS += [Program(f"dlrm_{name}", "dlrm/dlrm_s_pytorch.py", _DLRM + args, rtol=1e-5)
             for name, args in (("sgd_dot", ("--nepochs=2", "--arch-mlp-top=16-8-1")),
                                ("adagrad_save", ("--nepochs=1", "--arch-mlp-top=16-8-1", "--optimizer=adagrad",
                                                  "--save-model=dlrm.pt")),
                                ("qr_cat", ("--nepochs=1", "--arch-mlp-top=22-8-1", "--arch-interaction-op=cat",
                                            "--qr-flag", "--qr-threshold=25")))]

# pytorch/tutorials beginner_source/chatbot_tutorial.py as copied in ErikEkstedt/pytorch_chatbot_tutorial @ 1a02eee6
# (its debugging sys.exit() removed, the mask a BoolTensor as today's tutorial has it; hidden 32, batch 8, lr 0.005,
# the checkpoint to resume and the iteration count from argv) on a synthetic Cornell corpus (chatbot/make_data.py):
# the GRU encoder over pack_padded_sequence / pad_packed_sequence, Luong dot attention, masked NLL loss with
# masked_select, teacher forcing, clip_grad_norm_, torch.save of a checkpoint dict (state dicts, optimizer states,
# voc.__dict__) every 15 iterations, a second run resuming from it (torch.load, load_state_dict into models and
# Adam), GreedySearchDecoder answers.
_CHATBOT_CKPT = "data/save/cb_model/cornell movie-dialogs corpus/2-2_32/30_checkpoint.tar"
PROGRAMS += [Program("chatbot_tutorial_train_resume", "chatbot/chatbot_tutorial.py", (_CHATBOT_CKPT, "40"), rtol=1e-5,
                     before=(("chatbot/make_data.py", ()), ("chatbot/chatbot_tutorial.py", ())))]

# ikostrikov/pytorch-flows @ bf12ed91 main.py, flows.py, utils.py and datasets/ unchanged (import-only h5py / pandas /
# torchvision stand-ins, a no-op tensorboardX; scikit-learn's make_moons data, matplotlib's moons plot written at
# epoch 0): MAF (MADE masks, BatchNormFlow, Reverse), RealNVP coupling layers, Glow (LUInvertibleMM with scipy's LU,
# orthogonal_ init), MADESplit + InvertibleMM (slogdet, inverse), the best model kept by copy.deepcopy, sampling.
# Two epochs of 6 full-batch Adam steps: with 48 steps per epoch the float32 runs of two correct libraries part by
# 1e-3 (Adam's sign-like steps on near-zero gradients amplify last-bit differences ~1e7 times; PyTorch's own float32
# and float64 runs part by 2e-3 there).
PROGRAMS += [Program(f"pytorch_flows_moons_{flow.replace('-', '_')}", "pytorch_flows/main.py",
                     ("--dataset", "MOONS", "--flow", flow, "--epochs", "2", "--batch-size", "4000",
                      "--test-batch-size", "3000", "--num-blocks", "3"), rtol=1e-4, slow=True)
             for flow in ("maf", "realnvp", "glow", "maf-split-glow")]

# --- realprog26 --- (programs under examples/real_programs/rp26/)
# devnag/pytorch-generative-adversarial-networks @ 26db8c9f gan_pytorch.py (60 epochs instead of 5000, matplotlib on
# Agg): a 1-D GAN on Gaussian samples (numpy's generator feeds torch.Tensor(ndarray)), SGD with momentum, BCELoss on
# sigmoid outputs, the "4 moments" preprocessing (pow, mean, cat of reshaped scalars), v.data.storage().tolist().
# 2400 SGD steps: the generated values near 0 differ by ~6e-8 absolute (float32 rounding), compared to 1e-6.
PROGRAMS += [Program("rp26_devnag_gan", "rp26/devnag_gan/gan_pytorch.py", rtol=1e-4, atol=1e-6)]

# kimiyoung/transformer-xl @ 44781ed2 pytorch/ unchanged (its mem_transformer appends the relative 'utils' folder to
# sys.path, and it copies train.py / mem_transformer.py into its experiment folder: those are copied into the working
# directory), on a synthetic wikitext-103-like corpus
# (rp26/transformer_xl/make_data.py, read back from data/cache.pt on the second run): relative positional attention
# with recurrence memory (Shaw et al. and Al-Rfou et al. variants too), ProjectedAdaptiveLogSoftmax without clusters
# (the adaptive cutoffs are wikitext-103's), Adam with linear warm-up then CosineAnnealingLR (SGD with inverse-sqrt
# LambdaLR), gradient clipping, eval with the memory length reset, torch.save of the best model, the final test.
_TXL = ("--data", "data", "--dataset", "wt103", "--n_layer", "2", "--n_head", "2", "--d_head", "8", "--d_model", "16",
        "--d_inner", "32", "--dropout", "0.1", "--optim", "adam", "--lr", "0.001", "--warmup_step", "5",
        "--max_step", "30", "--tgt_len", "12", "--mem_len", "12", "--eval_tgt_len", "12", "--batch_size", "4",
        "--log-interval", "10", "--eval-interval", "15", "--work_dir", "work", "--max_eval_steps", "5")
_TXL_TIMES = (r"ms/batch\s+[\d.]+", r"time:\s+[\d.]+s", r"work-wt103/\S+")
PROGRAMS += [Program(f"rp26_transformer_xl_{name}", "rp26/transformer_xl/train.py", _TXL + args, rtol=1e-4,
                     masks=_TXL_TIMES, copy=("utils", "train.py", "mem_transformer.py"), before=(("rp26/transformer_xl/make_data.py", ()),))
             for name, args in (("base", ()),
                                ("shaw_sgd_same_length", ("--attn_type", "1", "--optim", "sgd", "--lr", "0.1",
                                                          "--scheduler", "inv_sqrt", "--same_length",
                                                          "--clamp_len", "8")),
                                ("alrfou_prelnorm", ("--attn_type", "3", "--pre_lnorm", "--not_tied")))]

# lucidrains/tab-transformer-pytorch @ 43ecec97 (v0.3.0, the last version needing only einops) tab_transformer_pytorch/
# unchanged, driven by rp26/tab_transformer/train.py (written for the corpus): a custom Dataset of synthetic tabular rows,
# random_split, DataLoader (shuffle, WeightedRandomSampler), TabTransformer (continuous_mean_std, SELU MLP) with AdamW +
# OneCycleLR + clip_grad_norm_, a checkpoint dict saved and loaded into a fresh model, FTTransformer with label-smoothed
# cross-entropy + StepLR, attention maps.
PROGRAMS += [Program("rp26_tab_transformer_train", "rp26/tab_transformer/train.py", rtol=1e-4)]

# sooftware/attentions @ b1dd65be attentions.py unchanged, driven by rp26/attentions/run_attentions.py (written for the
# corpus): scaled dot-product (masked_fill_ with -inf), dot, additive, location-aware (Conv1d over the last alignment,
# sigmoid smoothing), multi-head location-aware, multi-head, and Transformer-XL relative attention (the pad-and-reshape
# relative shift); the file's CustomizingAttention calls its scaled_dot_attn with a missing argument (TypeError in both).
PROGRAMS += [Program("rp26_sooftware_attentions", "rp26/attentions/run_attentions.py", rtol=1e-5)]

# rosinality/vq-vae-2-pytorch @ ef5f67c4 vqvae.py, pixelsnail.py, scheduler.py, distributed/ unchanged, driven by
# rp26/vqvae2/train_tiny.py (written for the corpus after its train_vqvae / extract_code / train_pixelsnail / sample):
# a two-level VQ-VAE with EMA codebooks (one_hot, embed buffers updated in place, all_reduce without a process group),
# CycleScheduler, encode / decode_code, PixelSNAIL priors (weight-normed causal convs, gated residual blocks, causal
# attention, a conditioned bottom prior), multinomial sampling with the prior's cache.
PROGRAMS += [Program("rp26_vqvae2_tiny", "rp26/vqvae2/train_tiny.py", rtol=1e-4,
                     differs="PixelSNAIL's input is one_hot(...).permute(0, 3, 1, 2), channels_last-strided; PyTorch "
                             "keeps that layout through pad, conv, elu and cat, so its first p=0.1 dropout draws "
                             "its mask in channels_last order. tensorcore's conv / pad keep it now (Note [Layout-"
                             "following ops keep channels_last]) but its C++ elu and cat return row-major tensors, "
                             "so the dropout masks differ from the prior's first step (loss 3.34735 vs 3.34644)")]

# jadore801120/attention-is-all-you-need-pytorch @ 132907dd transformer/ unchanged, driven by rp26/aiayn/copy_task.py
# (written for the corpus after its train.py / translate.py, whose torchtext pipeline is replaced by a synthetic
# reverse-copy task): shared and tied embeddings, sinusoid table buffer, pad & subsequent masks, ScheduledOptim, the
# label-smoothed loss, checkpoint round trip, Translator's beam search. In float32 4 epochs (past ~40 Adam steps at lr
# 1e-2 float32 rounding moves the argmax counts: train acc 0.2648 vs 0.2617 at epoch 5); in float64 6 epochs agree.
PROGRAMS += [Program("rp26_aiayn_copy_task", "rp26/aiayn/copy_task.py", rtol=1e-4),
             Program("rp26_aiayn_copy_task_f64", "rp26/aiayn/copy_task.py", ("--f64",), rtol=1e-9)]

# pytorch/tutorials @ 546ebc60 beginner_source/nlp/advanced_tutorial.py, the code only, 100 epochs instead of 300: the
# old-API Bi-LSTM CRF (autograd.Variable, torch.Tensor(1, n).fill_, torch.LongTensor, .data writes into a Parameter,
# per-element log-sum-exp loops, Viterbi decoding with Python backpointers).
PROGRAMS += [Program("rp26_tutorial_bilstm_crf", "rp26/tutorials_nlp/bilstm_crf.py", rtol=1e-5, slow=True)]

# pytorch/tutorials beginner_source/nlp/ (Robert Guthrie's "Deep Learning for NLP with PyTorch", old versions written
# for autograd.Variable), the code only: affine maps / softmax / a bag-of-words logistic regression (@ 016d0cc0), an
# LSTM stepped token by token then over the sequence and an LSTM POS tagger with log_softmax without dim (@ 0d1e0f75),
# an N-gram language model accumulating torch.Tensor([0]) += loss.data (@ 016d0cc0; the last line prints
# make_context_vector's result, which the tutorial leaves as a bare expression).
PROGRAMS += [Program(f"rp26_tutorial_nlp_{name}", f"rp26/tutorials_nlp/{name}.py", rtol=1e-5)
             for name in ("deep_learning", "sequence_models", "word_embeddings")]

# pytorch/examples @ 77f55b91 distributed/ddp-tutorial-series/multigpu_torchrun.py as one torchrun process on a CPU (the
# edits are listed in its header: gloo, cpu, the torchrun environment): init_process_group, DistributedSampler with
# set_epoch, DDP of a Linear, F.cross_entropy with float targets (soft labels of one class), snapshot saved every
# epoch; the second run resumes from the snapshot ("Loading snapshot", load_state_dict(map_location="cpu")).
PROGRAMS += [Program("rp26_ddp_series_torchrun_resume", "rp26/ddp_series/multigpu_torchrun.py", ("4", "1"), rtol=1e-5,
                     before=(("rp26/ddp_series/multigpu_torchrun.py", ("2", "1")),))]

# lucidrains/mlp-mixer-pytorch @ b102a9b2 mlp_mixer_pytorch/ unchanged, driven by rp26/mlp_mixer/train_mixers.py (written
# for the corpus after its README): MLPMixer (Conv1d token mixing via partial(nn.Conv1d, kernel_size=1)), MLPMixer3D,
# Permutator (einops Rearrange/Reduce layers, ParallelSum), SGD with Nesterov / AdamW and a cosine LambdaLR, dropout.
PROGRAMS += [Program("rp26_mlp_mixer_zoo", "rp26/mlp_mixer/train_mixers.py", rtol=1e-4)]

# lukemelas/EfficientNet-PyTorch @ 7e8b0d31 efficientnet_pytorch/ and hubconf.py unchanged, driven by
# rp26/efficientnet/run.py (written for the corpus): `from torch.utils import model_zoo` at import, a few SGD steps of
# EfficientNet-b0 on 32x32 inputs (MemoryEfficientSwish autograd Function, drop_connect, static same padding),
# extract_endpoints, then from_pretrained reading the torch.hub cache under $TORCH_HOME, torch.hub.load of the local
# hubconf.py and load_state_dict_from_url of a file:// URL with check_hash.
# The file:// checkpoint's name carries its sha256 prefix, which differs per save (PyTorch writes a random
# .data/serialization_id), so it is masked with the temporary folder.
PROGRAMS += [Program("rp26_efficientnet_hub", "rp26/efficientnet/run.py", rtol=1e-8,
                     masks=(r"/tmp/\S+/", r"fc-[0-9a-f]{8}"))]

# gordicaleksa/pytorch-GAT @ 39c8f0ee models/definitions/GAT.py unchanged (utils/constants.py without its tensorboard
# SummaryWriter), driven by rp26/gordicaleksa_gat/train_synthetic.py (written for the corpus after its
# training_script_cora.py) on a synthetic community graph: the three GAT implementations (dense, -inf connectivity
# mask, edge-list index_select + scatter_add_ neighbourhood softmax), Adam with weight decay, attention weights logged.
PROGRAMS += [Program("rp26_gordicaleksa_gat_three_impls", "rp26/gordicaleksa_gat/train_synthetic.py", rtol=1e-4)]

# lucidrains/reformer-pytorch @ 66a19b6c examples/enwik8_simple/train.py with its package and June-2023 dependencies
# (local-attention, axial-positional-embedding, product-key-memory) unchanged, shrunk in the file, on synthetic
# bytes: LSH attention (random rotations, argsort buckets, batched_index_select, chunked look-back), local attention
# heads, reversible layers (custom autograd Function that re-runs the blocks in backward, restoring the forward's RNG
# state for dropout), chunked feed-forward, axial positional embedding, gradient accumulation, TrainingWrapper
# generate (top-k sampling).
PROGRAMS += [Program("rp26_reformer_enwik8_simple", "rp26/reformer/train.py", rtol=1e-4)]

# piEsposito/blitz-bayesian-deep-learning @ 5af11742 blitz/ unchanged (examples/ left out), its own unittest suite run by
# rp26/blitz/run_tests.py (written for the corpus): Bayesian layers with reparameterised weight sampling, scale-mixture
# priors, KL accumulation, the variational_estimator decorator (sample_elbo, MOPED), LSTM/GRU/conv/embedding variants.
PROGRAMS += [Program("rp26_blitz_test_suite", "rp26/blitz/run_tests.py", masks=(r"Ran \d+ tests? in [\d.]+s",))]
# ... and every scheduler of its scheduler.py (_LRScheduler subclasses, cycle schedulers annealing Adam's betas).
PROGRAMS += [Program("rp26_vqvae2_schedulers", "rp26/vqvae2/schedulers.py", rtol=1e-6)]
